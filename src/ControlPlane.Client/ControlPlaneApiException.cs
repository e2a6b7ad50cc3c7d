using System.Net;

namespace InferenceGateway.ControlPlane.Client;

/// <summary>
/// The control plane refused a call (its ProblemDetails: title, detail, the errors per field) or could not be reached
/// (<see cref="Status"/> 0). Its message is fit to show to a user: it never holds a stack trace or an internal host.
/// </summary>
public sealed class ControlPlaneApiException : Exception
{
    public ControlPlaneApiException(int status, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null, Exception? inner = null)
        : base(detail is { Length: > 0 } ? $"{title}: {detail}" : title, inner)
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status, or 0 when the control plane did not answer.</summary>
    public int Status { get; }

    public string Title { get; }

    public string? Detail { get; }

    /// <summary>Validation messages by field name (camelCase, as the API names them).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public bool IsNotFound => Status == (int)HttpStatusCode.NotFound;

    public bool IsUnauthorized => Status == (int)HttpStatusCode.Unauthorized;

    public bool IsUnreachable => Status == 0;

    /// <summary>The messages for one field, or none.</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.TryGetValue(field, out var messages) ? messages
        : Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}
