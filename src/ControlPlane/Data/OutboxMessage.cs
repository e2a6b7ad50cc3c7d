namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// A message written in the same transaction as the change it announces, and published by the relay afterwards.
/// </summary>
internal sealed class OutboxMessage
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>The message's CLR type name in <c>InferenceGateway.Contracts</c>.</summary>
    public required string MessageType { get; set; }

    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>When the relay gave up on a row it cannot read (unknown type, unreadable payload) and went on past it.</summary>
    public DateTimeOffset? SkippedAt { get; set; }
}
