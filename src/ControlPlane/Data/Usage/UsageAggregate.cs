using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InferenceGateway.ControlPlane.Data.Usage;

/// <summary>The size of the time bucket an aggregate row covers.</summary>
internal enum UsageGranularity
{
    Minute,
    Hour,
    Day,
}

/// <summary>The kind of credential a request was authenticated with.</summary>
internal enum UsageCredentialKind
{
    ApiKey,
    OAuthClient,
    ExternalJwt,
}

/// <summary>
/// The usage ledger: what one credential of one tenant sent to one model in one time bucket (minute, hour or day,
/// starting at <see cref="BucketStart"/> in UTC). Rows are added to, never rewritten, by the ingestion of
/// <c>UsageReported</c> batches, each applied exactly once (see <see cref="ProcessedUsageBatch"/>); every batch
/// updates the minute, hour and day rows in the same transaction, so summing any one granularity over a range of
/// whole buckets gives the same totals. There are no per-request rows: the table grows with tenants, credentials,
/// models and time, not with requests.
/// </summary>
internal sealed class UsageAggregate
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>The credential's id as the node saw it: an API key's id, an OAuth client id, or an external subject.</summary>
    public required string CredentialId { get; set; }

    public UsageCredentialKind CredentialKind { get; set; }

    /// <summary>The model slug of the route (<c>/t/{tenant}/{model}</c>).</summary>
    public required string Model { get; set; }

    public UsageGranularity Granularity { get; set; }

    /// <summary>The start of the bucket, UTC, truncated to the minute, hour or day.</summary>
    public DateTimeOffset BucketStart { get; set; }

    // Requests by the status class of the response the client got (a request the client abandoned counts as 4xx).
    public long Requests2xx { get; set; }

    public long Requests3xx { get; set; }

    public long Requests4xx { get; set; }

    public long Requests5xx { get; set; }

    /// <summary>Request body bytes received from the client.</summary>
    public long BytesIn { get; set; }

    /// <summary>Response body bytes sent to the client.</summary>
    public long BytesOut { get; set; }

    /// <summary>Sum of the request durations (first byte in to last byte out), in microseconds.</summary>
    public long LatencySumMicros { get; set; }

    // Latency histogram: requests whose duration was at most the bucket's bound (and above the previous bound);
    // the bounds are UsageLatencyBuckets.UpperBoundsMs.
    public long LatencyUpTo25Ms { get; set; }

    public long LatencyUpTo50Ms { get; set; }

    public long LatencyUpTo100Ms { get; set; }

    public long LatencyUpTo250Ms { get; set; }

    public long LatencyUpTo500Ms { get; set; }

    public long LatencyUpTo1s { get; set; }

    public long LatencyUpTo2500Ms { get; set; }

    public long LatencyUpTo5s { get; set; }

    public long LatencyUpTo10s { get; set; }

    public long LatencyUpTo30s { get; set; }

    public long LatencyUpTo60s { get; set; }

    public long LatencyOver60s { get; set; }

    /// <summary>Input (prompt) tokens: reported by the model, or estimated when it reported none.</summary>
    public long InputTokens { get; set; }

    /// <summary>Output (completion) tokens: reported by the model, or estimated when it reported none.</summary>
    public long OutputTokens { get; set; }

    /// <summary>The part of <see cref="InputTokens"/> that the node estimated with a tokenizer.</summary>
    public long EstimatedInputTokens { get; set; }

    /// <summary>The part of <see cref="OutputTokens"/> that the node estimated with a tokenizer.</summary>
    public long EstimatedOutputTokens { get; set; }

    /// <summary>Responses whose reported usage was not trustworthy (negative, huge, not a number) and was ignored.</summary>
    public long MalformedUsage { get; set; }

    /// <summary>Requests served that a rate limit in shadow mode would have refused.</summary>
    public long WouldHaveBeenLimited { get; set; }
    /// <summary>Requests a spend budget in shadow mode would have refused (they were served).</summary>
    public long BudgetWouldLimit { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>All requests of the row, whatever their status.</summary>
    public long Requests => Requests2xx + Requests3xx + Requests4xx + Requests5xx;
}

internal sealed class UsageAggregateConfiguration : IEntityTypeConfiguration<UsageAggregate>
{
    public void Configure(EntityTypeBuilder<UsageAggregate> e)
    {
        // One row per cell: ingestion adds into it with an upsert on this key.
        e.HasIndex(a => new { a.TenantId, a.Granularity, a.BucketStart, a.Model, a.CredentialKind, a.CredentialId }).IsUnique();

        // Retention deletes old buckets of one granularity.
        e.HasIndex(a => new { a.Granularity, a.BucketStart });
        e.Property(a => a.CredentialId).HasMaxLength(200);
        e.Property(a => a.CredentialKind).HasConversion<string>().HasMaxLength(20);
        e.Property(a => a.Model).HasMaxLength(64);
        e.Property(a => a.Granularity).HasConversion<string>().HasMaxLength(10);
        e.Ignore(a => a.Requests);
        e.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
