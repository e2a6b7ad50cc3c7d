using System.Security.Cryptography;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.Security.Keys;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.ApiKeys;

/// <summary>
/// Checks a presented key against the database the way a node checks it against its snapshot: shape and
/// checksum first, then lookup by hash, constant-time comparison, revocation, expiry and rotation grace.
/// </summary>
internal sealed class ApiKeyVerifier(ControlPlaneDbContext db, TimeProvider time)
{
    public async Task<ApiKey?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyText.IsWellFormed(presented))
        {
            return null;
        }

        var hash = ApiKeyText.Hash(presented);
        var key = await db.ApiKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.SecretHash == hash || k.PreviousSecretHash == hash, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (key.ExpiresAt is { } expires && expires <= now)
        {
            return null;
        }

        if (CryptographicOperations.FixedTimeEquals(key.SecretHash, hash))
        {
            return key;
        }

        return key.PreviousSecretHash is { } previous
            && CryptographicOperations.FixedTimeEquals(previous, hash)
            && key.PreviousSecretExpiresAt is { } until && until > now
                ? key
                : null;
    }
}
