using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ServiceDefaults;

namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// The unit of work of every admin mutation: the entity changes, exactly one audit event, a new configuration
/// revision and the outbox message that announces it (<see cref="ConfigPublisher"/>) are committed in one transaction. The relay is woken
/// after the commit, so a change reaches the bus without waiting for a poll.
/// </summary>
internal sealed class AdminChanges(ControlPlaneDbContext db, TimeProvider time, IHttpContextAccessor http, ConfigPublisher publisher, PropagationTimeline timeline)
{
    /// <summary>The <see cref="HttpContext.Items"/> entry holding the request's arrival (UTC ticks) while the timeline is on.</summary>
    public const string RequestStartedItem = "InferenceGateway.RequestStarted";

    private AuditEvent? _audit;

    /// <summary>The time of the change, in the database's precision (microseconds), so responses match later reads.</summary>
    public DateTimeOffset Now { get; } = TruncateToMicroseconds(time.GetUtcNow());

    /// <summary>Who is acting: the authenticated principal's name.</summary>
    public string Actor => http.HttpContext?.User.Identity?.Name is { Length: > 0 } name ? name : "system";

    /// <summary>Records the audit event of this mutation. The summary must be built from non-secret fields only.</summary>
    public void Audit(Guid? tenantId, string action, string target, string summary)
    {
        if (_audit is not null)
        {
            throw new InvalidOperationException("A mutation writes exactly one audit event.");
        }

        _audit = new AuditEvent
        {
            Id = Guid.CreateVersion7(),
            At = Now,
            Actor = Actor,
            TenantId = tenantId,
            Action = action,
            Target = target,
            // The column holds 2000 characters; a summary quoting a long URL is cut rather than failing the change.
            Summary = summary.Length <= 2000 ? summary : summary[..1999] + "…",
        };
    }

    /// <summary>Commits a change together with the delta that tells nodes what it changes in what they serve.</summary>
    public Task CommitAsync(IReadOnlyList<ConfigChange> delta, CancellationToken cancellationToken) => CommitAsync(delta, null, cancellationToken);

    /// <summary>The same, with <paramref name="write"/> run first in the transaction: rows written outside EF Core (a bulk copy).</summary>
    public async Task CommitAsync(IReadOnlyList<ConfigChange> delta, Func<CancellationToken, Task>? write, CancellationToken cancellationToken)
    {
        var audit = _audit ?? throw new InvalidOperationException("Every mutation writes an audit event.");
        var commitStarted = timeline.Enabled ? PropagationTimeline.Now() : 0;
        db.AuditEvents.Add(audit);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (write is not null)
        {
            // A bulk write (and its entities) first, before the revision row is locked: concurrent batches overlap.
            await write(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        // The revision, then one save of everything (entities, audit, revision row, outbox row): the fewest round
        // trips between the admin call and the commit the relay waits for.
        var revision = await publisher.AddRevisionAsync(delta, audit.Action, Now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        publisher.Committed();
        if (timeline.Enabled)
        {
            if (http.HttpContext?.Items[RequestStartedItem] is long requestStarted)
            {
                timeline.Record(PropagationPoint.RequestStarted, revision, requestStarted);
            }

            timeline.Record(PropagationPoint.CommitStarted, revision, commitStarted);
        }
    }

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
