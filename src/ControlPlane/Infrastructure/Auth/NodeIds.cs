namespace InferenceGateway.ControlPlane.Infrastructure.Auth;

/// <summary>The syntax of a data-plane node id (it names the node's queue and its credential).</summary>
internal static class NodeIds
{
    public const string Rule = "1 to 100 letters, digits, '.', '_' or '-'";

    /// <summary>The header a node names itself with on the snapshot API.</summary>
    public const string NodeIdHeader = "X-Igw-Node-Id";

    /// <summary>The header with the random id of the node process.</summary>
    public const string InstanceHeader = "X-Igw-Node-Instance";

    public static bool IsValid(string? nodeId) =>
        nodeId is { Length: >= 1 and <= 100 } && nodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
