using InferenceGateway.DataPlane.Configuration;

namespace InferenceGateway.DataPlane.Authentication;

/// <summary>
/// The API-key validator: the node's key lookup (<see cref="ApiKeyLookup"/>: shape and checksum, then by hash in the
/// compact key table, compared in constant time), then expiry and the path's tenant. The caller of a key is built once and kept on its entry.
/// </summary>
internal static class ApiKeyValidator
{
    public static Caller? Validate(ReadOnlySpan<char> presented, NodeState state, TenantEntry? tenant, DateTimeOffset now)
    {
        var key = ApiKeyLookup.Find(state, presented);
        if (key is null || !key.IsValidAt(now) || tenant is null || key.TenantId != tenant.Id)
        {
            return null;
        }

        // An entry lives no longer than its tenant's entry (a plan change rebuilds both), but checking is cheap.
        if (key.Caller is { } cached && ReferenceEquals(cached.Plan, tenant.Plan))
        {
            return cached;
        }

        var caller = new Caller
        {
            TenantId = key.TenantId,
            CredentialId = key.KeyId,
            PublicId = key.PublicId,
            Kind = CredentialKind.ApiKey,
            AllowedModels = key.AllowedModels,
            Plan = tenant.Plan,
        };
        key.Caller = caller;
        return caller;
    }
}
