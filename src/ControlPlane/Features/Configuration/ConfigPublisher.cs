using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Messaging;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>
/// The one place that turns a committed change into a configuration revision: it takes the next revision
/// number, stores the revision row (the delta, once) and writes the outbox message that announces it, all inside
/// the caller's transaction. The relay is woken after the caller commits.
/// </summary>
internal sealed class ConfigPublisher(ControlPlaneDbContext db, OutboxSignal outbox)
{
    /// <summary>
    /// Adds the revision and its outbox row to the open transaction. A non-empty <paramref name="delta"/> lets
    /// nodes apply it without a pull; an empty one makes them pull the full snapshot.
    /// </summary>
    public async Task<long> AddRevisionAsync(IReadOnlyList<ConfigChange> delta, string cause, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Taking the next revision locks the revision row until commit, so revisions commit in order.
        var revision = await NextRevisionAsync(cancellationToken);
        var message = new ConfigRevisionPublished
        {
            MessageId = Guid.CreateVersion7(),
            Revision = revision,
            ChangedAt = now,
            Kind = delta.Count > 0 ? ConfigChangeKind.Delta : ConfigChangeKind.Full,
            Changes = delta,
        };
        db.ConfigRevisions.Add(new ConfigRevision
        {
            Revision = revision,
            ChangedAt = now,
            Kind = message.Kind,
            ChangesJson = JsonSerializer.Serialize(delta, ContractJson.Options),
            Cause = cause,
        });
        db.OutboxMessages.Add(OutboxMessageFactory.Create(message, message.MessageId, now));
        await db.SaveChangesAsync(cancellationToken);
        return revision;
    }

    /// <summary>Wakes the relay; call after the transaction holding the revision committed.</summary>
    public void Committed() => outbox.Notify();

    private async Task<long> NextRevisionAsync(CancellationToken cancellationToken)
    {
        var next = await db.Database
            .SqlQueryRaw<long>("""UPDATE "ConfigState" SET "Revision" = "Revision" + 1 WHERE "Id" = 1 RETURNING "Revision" AS "Value" """)
            .ToListAsync(cancellationToken);
        return next.Single();
    }
}
