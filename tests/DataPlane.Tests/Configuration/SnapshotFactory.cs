using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.Security.Keys;

namespace InferenceGateway.DataPlane.Tests.Configuration;

/// <summary>Small valid snapshots for tests, with keys whose text the test knows.</summary>
internal static class SnapshotFactory
{
    public static readonly Guid PlanId = Guid.Parse("00000000-0000-0000-0000-00000000a001");

    /// <summary>The epoch of every snapshot made here.</summary>
    public static readonly Guid Epoch = Guid.Parse("00000000-0000-0000-0000-0000000e0001");

    public static PlanSnapshot Plan(int burst = 100) => new()
    {
        PlanId = PlanId, Name = "plan", RequestsPerSecondPerKey = 100, BurstPerKey = burst, RequestsPerSecondPerTenant = 100, BurstPerTenant = burst, MaxRequestBodyBytes = 1024,
    };

    public static (ConfigSnapshot Snapshot, List<string> Keys) Create(long revision, int tenants = 2, int keysPerTenant = 1)
    {
        var keys = new List<string>();
        var tenantList = new List<TenantSnapshot>();
        var routes = new List<RouteSnapshot>();
        var keyList = new List<ApiKeySnapshot>();
        for (var t = 0; t < tenants; t++)
        {
            var tenantId = new Guid(t + 1, 0, 0, new byte[8]);
            var slug = $"tenant-{t:D6}";
            tenantList.Add(new TenantSnapshot { TenantId = tenantId, Slug = slug, Status = TenantState.Active, PlanId = PlanId });
            routes.Add(new RouteSnapshot { TenantId = tenantId, TenantSlug = slug, Model = "chat", EndpointId = Guid.NewGuid(), BaseUrl = $"https://t{t}.example.com/v1", TimeoutSeconds = 30 });
            for (var k = 0; k < keysPerTenant; k++)
            {
                var key = ApiKeyText.Create(ApiKeyText.NewPublicId());
                keys.Add(key);
                keyList.Add(Key(key, tenantId));
            }
        }

        return (WithHash(new ConfigSnapshot
        {
            Revision = revision,
            Epoch = Epoch,
            CompiledAt = DateTimeOffset.UtcNow,
            ContentHash = string.Empty,
            Plans = [Plan()],
            Tenants = tenantList,
            Routes = routes,
            Keys = keyList,
        }), keys);
    }

    /// <summary>The snapshot with its content hash computed as the compiler does.</summary>
    public static ConfigSnapshot WithHash(ConfigSnapshot snapshot) => snapshot with { ContentHash = ConfigContent.Hash(snapshot) };

    public static ApiKeySnapshot Key(string key, Guid tenantId) => new()
    {
        KeyId = Guid.NewGuid(),
        PublicId = ApiKeyText.PublicIdOf(key),
        TenantId = tenantId,
        Hash = Convert.ToHexStringLower(ApiKeyText.Hash(key)),
    };
}
