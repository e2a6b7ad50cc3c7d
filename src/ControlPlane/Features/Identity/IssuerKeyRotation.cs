using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
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

    /// <summary>
    /// Before the server takes requests: the first signing key exists, and was announced to nodes as a revision,
    /// so the compiled snapshot and the deltas always agree on the published keys.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            if (!await db.SigningKeys.AnyAsync(k => k.Use == SigningKeyUse.Signing, cancellationToken))
            {
                var now = time.GetUtcNow();
                var first = keys.Generate(SigningKeyUse.Signing, now, now);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                db.SigningKeys.Add(first);
                await db.SaveChangesAsync(cancellationToken);
                await PublishAsync(scope, db, now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                scope.ServiceProvider.GetRequiredService<ConfigPublisher>().Committed();
                LogNextKey(logger, first.KeyId, now);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>Announces the published keys as they now stand in the open transaction (nodes learn a next key before it signs).</summary>
    private async Task PublishAsync(AsyncServiceScope scope, ControlPlaneDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var stored = await db.SigningKeys.AsNoTracking().Where(k => k.Use == SigningKeyUse.Signing).ToListAsync(ct);
        var change = new PlatformIssuerChanged { Issuer = keys.Snapshot(stored) };
        await scope.ServiceProvider.GetRequiredService<ConfigPublisher>().AddRevisionAsync([change], "issuer_keys.changed", now, ct);
    }

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

            // The new key and the nodes' revision that publishes it commit together.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await PublishAsync(scope, db, now, ct);
            await transaction.CommitAsync(ct);
            scope.ServiceProvider.GetRequiredService<ConfigPublisher>().Committed();
            LogNextKey(logger, next.KeyId, activatesAt);
            stored.Add(next);
        }

        var expired = stored.Where(k => k.RetiresAt is { } r && r <= now).ToList();
        if (expired.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.SigningKeys.RemoveRange(expired);
            await db.SaveChangesAsync(ct);
            await PublishAsync(scope, db, now, ct);
            await transaction.CommitAsync(ct);
            scope.ServiceProvider.GetRequiredService<ConfigPublisher>().Committed();
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
