using InferenceGateway.Contracts;

namespace InferenceGateway.ControlPlane.Data;

/// <summary>History of revisions; lets a node that is a few deltas behind catch up without a full snapshot.</summary>
internal sealed class ConfigRevision
{
    public long Revision { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public ConfigChangeKind Kind { get; set; }

    /// <summary>
    /// JSON array of <see cref="ConfigChange"/> for a delta; empty for a full revision. When
    /// <see cref="ChangesProtected"/>, the JSON is encrypted with Data Protection (it holds an upstream credential).
    /// </summary>
    public required string ChangesJson { get; set; }

    public bool ChangesProtected { get; set; }

    /// <summary>The audit action that caused the revision, for operators.</summary>
    public required string Cause { get; set; }
}
