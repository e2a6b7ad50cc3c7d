using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// Rolls the signing keys over on a schedule: creates the next key a publish lead before the current one's period
/// ends, retires the previous one once every token it signed (access and refresh) has expired, and reloads
/// OpenIddict's keys whenever the published set or the signer changes. Every replica runs it; they agree because
/// the choice of signer depends only on the stored keys and the time.
/// </summary>
internal sealed partial class IssuerKeyRotation(
    IServiceScopeFactory scopes, IssuerKeys keys, TimeProvider time, IOptions<PlatformIdentityOptions> options, ILogger<IssuerKeyRotation> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SigningKeyCheckInterval, time);
        do
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database may be down; the keys in memory keep working and the next tick tries again.
                LogCheckFailed(logger, e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task CheckAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await CheckOnceAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another replica created the same next key (same activation time, unique index) first: nothing to do.
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CheckOnceAsync(CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
        var now = time.GetUtcNow();
        var stored = await db.SigningKeys.Where(k => k.Use == SigningKeyUse.Signing).ToListAsync(ct);
        var published = IssuerKeys.Published(stored, now);
        if (published.Count == 0)
        {
            return;
        }

        var current = published[0];
        var next = published.Skip(1).FirstOrDefault(k => k.ActivatesAt > now);
        var lastTokenLifetime = settings.AccessTokenLifetime > settings.RefreshTokenLifetime ? settings.AccessTokenLifetime : settings.RefreshTokenLifetime;
        var scheduled = current.ActivatesAt + settings.SigningKeyRotation;
        if (next is null && settings.SigningKeyFile is null && now >= scheduled - (2 * settings.SigningKeyPublishLead))
        {
            // Created up to two leads early, so on schedule every replica computes the same activation time and the
            // unique index lets only one insert it; after an outage the key still gets its full lead.
            var activatesAt = scheduled >= now + settings.SigningKeyPublishLead ? scheduled : now + settings.SigningKeyPublishLead;
            next = keys.Generate(SigningKeyUse.Signing, now, activatesAt);
            db.SigningKeys.Add(next);

            // One minute on top for clock skew between the issuer and the verifiers.
            current.RetiresAt = activatesAt + lastTokenLifetime + TimeSpan.FromMinutes(1);
            foreach (var older in published.Skip(1).Where(k => k.RetiresAt is null))
            {
                older.RetiresAt = current.RetiresAt;
            }

            await db.SaveChangesAsync(ct);
            LogNextKey(logger, next.KeyId, activatesAt);
            stored.Add(next);
        }

        var expired = stored.Where(k => k.RetiresAt is { } r && r <= now).ToList();
        if (expired.Count > 0)
        {
            db.SigningKeys.RemoveRange(expired);
            await db.SaveChangesAsync(ct);
        }

        if (IssuerKeys.SetOf(IssuerKeys.Published(stored.Except(expired), now)) != keys.LoadedSet)
        {
            keys.Changed();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Published the next signing key {KeyId}; it signs from {ActivatesAt:o}")]
    private static partial void LogNextKey(ILogger logger, string keyId, DateTimeOffset activatesAt);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Signing key check failed ({Error}); retrying at the next interval")]
    private static partial void LogCheckFailed(ILogger logger, string error);
}
