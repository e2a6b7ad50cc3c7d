using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Usage;

/// <summary>
/// A <c>UsageReported</c> batch the ledger has applied. Its id is inserted in the same transaction as the
/// aggregate updates, so a batch delivered twice (a broker redelivery, a node replaying its journal) finds its
/// id taken and changes nothing. Rows older than the retention are pruned.
/// </summary>
internal sealed class ProcessedUsageBatch
{
    /// <summary>The id the node fixed before its first send.</summary>
    public Guid BatchId { get; set; }

    public required string NodeId { get; set; }

    /// <summary>Requests counted in the batch (for reconciliation).</summary>
    public long Requests { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}

internal sealed class ProcessedUsageBatchConfiguration : IEntityTypeConfiguration<ProcessedUsageBatch>
{
    public void Configure(EntityTypeBuilder<ProcessedUsageBatch> e)
    {
        e.HasKey(b => b.BatchId);
        e.Property(b => b.BatchId).ValueGeneratedNever();
        e.Property(b => b.NodeId).HasMaxLength(100);
        e.HasIndex(b => b.ProcessedAt);
    }
}
