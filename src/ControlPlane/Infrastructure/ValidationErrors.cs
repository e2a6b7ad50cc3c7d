using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>Collects every validation error of a request, so the client learns all of them in one 400.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void AddRange(string field, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Add(field, message);
        }
    }

    public ValidationProblem ToResult() =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            detail: "The request has validation errors; every one of them is listed in 'errors'.");
}
