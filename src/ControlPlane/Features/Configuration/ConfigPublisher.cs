using System.Text;
using System.Text.Json;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Messaging;
using InferenceGateway.ServiceDefaults;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.Configuration;

/// <summary>
/// The one place that turns a committed change into a configuration revision: it takes the next revision
/// number, stores the revision row (the delta, once) and writes the outbox message that announces it, all inside
/// the caller's transaction. The relay is woken after the caller commits.
/// </summary>
/// <remarks>
/// On the bus a delta travels signed (<see cref="ConfigSigner"/>): epoch, revision, from-revision and changes in one
/// signed payload. A delta that carries an upstream credential is never put on the bus: its message only says the
/// revision exists, and nodes fetch it over the authenticated snapshot API; its revision row is stored encrypted.
/// </remarks>
internal sealed partial class ConfigPublisher(
    ControlPlaneDbContext db, OutboxSignal outbox, ConfigSigner signer, IDataProtectionProvider protection, PropagationTimeline timeline, ILogger<ConfigPublisher> logger)
{
    private const string Purpose = "InferenceGateway.ConfigRevisionChanges.v1";
    private long _added;
    private CommittedOutboxRow? _handed;

    /// <summary>Adds the revision of <paramref name="delta"/> and its outbox row to the open transaction.</summary>
    public async Task<long> AddRevisionAsync(IReadOnlyList<ConfigChange> delta, string cause, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (delta.Count == 0)
        {
            throw new ArgumentException("Every configuration change travels as a delta.", nameof(delta));
        }

        // Taking the next revision locks the revision row until commit, so revisions commit in order. One round
        // trip gives the revision and its epoch.
        var (revision, epoch) = await NextRevisionAsync(cancellationToken);
        _added = revision;
        timeline.Record(PropagationPoint.RevisionTaken, revision);
        var changesJson = JsonSerializer.Serialize(delta, ContractJson.Options);
        var secret = delta.Any(c => c.CarriesSecret);
        db.ConfigRevisions.Add(new ConfigRevision
        {
            Revision = revision,
            ChangedAt = now,
            Kind = ConfigChangeKind.Delta,
            ChangesJson = secret ? protection.CreateProtector(Purpose).Protect(changesJson) : changesJson,
            ChangesProtected = secret,
            Cause = cause,
        });

        var message = new ConfigRevisionPublished
        {
            MessageId = Guid.CreateVersion7(),
            Revision = revision,
            Epoch = epoch,
            ChangedAt = now,
            Kind = secret ? ConfigChangeKind.Full : ConfigChangeKind.Delta,
        };
        if (!secret)
        {
            var payload = JsonSerializer.Serialize(new ConfigDelta { Epoch = epoch, Revision = revision, FromRevision = revision - 1, Changes = delta }, ContractJson.Options);
            message = message with { Payload = payload, Signature = signer.Sign(Encoding.UTF8.GetBytes(payload)), SigningKeyId = signer.KeyId };
        }

        var row = OutboxMessageFactory.Create(message, message.MessageId, now);
        db.OutboxMessages.Add(row);

        // Saves whatever else the caller's transaction holds too: the entity change, its audit row, the revision
        // and the outbox row go to the database in one batch.
        await db.SaveChangesAsync(cancellationToken);
        timeline.Record(PropagationPoint.Saved, revision);
        _handed = new CommittedOutboxRow(row.Id, row.MessageId, message);
        return revision;
    }

    /// <summary>The changes a revision row holds, decrypted when it is protected.</summary>
    public static List<ConfigChange> ReadChanges(ConfigRevision row, IDataProtectionProvider protection)
    {
        var json = row.ChangesProtected ? protection.CreateProtector(Purpose).Unprotect(row.ChangesJson) : row.ChangesJson;
        return JsonSerializer.Deserialize<List<ConfigChange>>(json, ContractJson.Options) ?? [];
    }

    /// <summary>Wakes the relay and hands it the committed row; call after the transaction holding the revision committed.</summary>
    public void Committed()
    {
        timeline.Record(PropagationPoint.Committed, _added);
        LogCommitted(logger, _added);
        outbox.Notify(_handed);
        _handed = null;
    }

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Committed revision {Revision}")]
    private static partial void LogCommitted(ILogger logger, long revision);

    private async Task<(long Revision, Guid Epoch)> NextRevisionAsync(CancellationToken cancellationToken)
    {
        var next = await db.ConfigState
            .FromSqlRaw("""UPDATE "ConfigState" SET "Revision" = "Revision" + 1 WHERE "Id" = 1 RETURNING *""")
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return (next.Single().Revision, next.Single().Epoch);
    }
}
