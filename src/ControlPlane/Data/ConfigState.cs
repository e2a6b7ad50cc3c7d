namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// The single row that holds the current configuration revision. Every configuration change increments it
/// inside its own transaction, which also locks the row until commit: revisions are therefore committed in
/// the order they were numbered, and a node that sees revision N knows N-1 is already visible.
/// </summary>
internal sealed class ConfigState
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Revision { get; set; }

    /// <summary>
    /// The configuration epoch: a random id given to the revision counter when the database is created (set at the
    /// first start, see <c>DatabaseMigrator</c>). A restored or rebuilt database has another epoch, which tells
    /// nodes that revision numbers started over and their state must be replaced whatever its revision.
    /// </summary>
    public Guid Epoch { get; set; }
}
