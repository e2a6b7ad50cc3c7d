using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

/// <summary>The methods an endpoint accepts: a subset of the default set; TRACE, TRACK and CONNECT never.</summary>
internal static class EndpointMethods
{
    public static readonly IReadOnlyList<string> Default = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>Upper case, distinct, in the default set's order.</summary>
    public static List<string> Normalize(IEnumerable<string> methods)
    {
        var set = methods.Select(m => m.Trim().ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        return Default.Where(set.Contains).ToList();
    }

    public static void Validate(IReadOnlyCollection<string>? methods, string field, ValidationErrors errors)
    {
        if (methods is null)
        {
            return;
        }

        if (methods.Count == 0)
        {
            errors.Add(field, "List at least one method, or send null for the default set.");
        }

        foreach (var method in methods)
        {
            var name = method?.Trim().ToUpperInvariant();
            if (name is "TRACE" or "TRACK" or "CONNECT")
            {
                errors.Add(field, $"{name} is never forwarded: it would echo the endpoint's credential or open a tunnel.");
            }
            else if (name is null || !Default.Contains(name))
            {
                errors.Add(field, $"A method is one of {string.Join(", ", Default)}.");
            }
        }
    }
}

/// <summary>Bounds on streamed (server-sent events) responses, per endpoint.</summary>
internal static class EndpointStreams
{
    public const int DefaultMaxDurationSeconds = 900;
    public const int DefaultMaxIdleSeconds = 60;
    public const int MaxDurationSeconds = 86_400;
    public const int MaxIdleSeconds = 3_600;

    public static void Validate(int? duration, int? idle, ValidationErrors errors)
    {
        if (duration is < 1 or > MaxDurationSeconds)
        {
            errors.Add("streamMaxDurationSeconds", $"A stream's maximum duration is from 1 to {MaxDurationSeconds} seconds.");
        }

        if (idle is < 1 or > MaxIdleSeconds)
        {
            errors.Add("streamMaxIdleSeconds", $"A stream's maximum idle gap is from 1 to {MaxIdleSeconds} seconds.");
        }
    }
}

/// <summary>A model's output ceiling: what a spend budget reserves for a request that sets no <c>max_tokens</c>.</summary>
internal static class EndpointOutputCeiling
{
    public const int Default = InferenceGateway.Contracts.Rules.BudgetRules.DefaultMaxOutputTokens;

    public static void Validate(int? value, ValidationErrors errors)
    {
        if (value is < 1 or > InferenceGateway.Contracts.Rules.BudgetRules.MaxOutputTokensCeiling)
        {
            errors.Add("maxOutputTokens", $"The output ceiling is from 1 to {InferenceGateway.Contracts.Rules.BudgetRules.MaxOutputTokensCeiling} tokens.");
        }
    }
}
