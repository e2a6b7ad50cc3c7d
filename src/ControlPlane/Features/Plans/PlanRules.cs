using InferenceGateway.Contracts.Rules;
using System.Text.RegularExpressions;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Infrastructure;

namespace InferenceGateway.ControlPlane.Features.Plans;

/// <summary>Applies a plan request to an entity and checks the result as a whole.</summary>
internal static partial class PlanRules
{
    /// <summary>The default operator ceiling for a plan's request body (<c>ControlPlane:Plans:MaxRequestBodyBytesCeiling</c>).</summary>
    public const long DefaultBodyBytesCeiling = 32L * 1024 * 1024;

    /// <summary>The hard upper bound an operator may raise the ceiling to: bodies are buffered whole on the nodes (shared with the nodes).</summary>
    public const long MaxBodyBytesCeiling = ConfigRules.MaxBodyBytesCeiling;

    public const int DefaultConcurrentPerKey = 32;
    public const int DefaultConcurrentPerTenant = 128;
    public const int MaxConcurrent = 100_000;

    /// <summary>A new plan's values before the request is applied.</summary>
    public static Plan Defaults(Guid id, DateTimeOffset now) => new()
    {
        Id = id,
        Name = string.Empty,
        RequestsPerSecondPerKey = 10,
        BurstPerKey = 20,
        RequestsPerSecondPerTenant = 50,
        BurstPerTenant = 100,
        MaxRequestBodyBytes = 1024 * 1024,
        MaxConcurrentRequestsPerKey = DefaultConcurrentPerKey,
        MaxConcurrentRequestsPerTenant = DefaultConcurrentPerTenant,
        Currency = "USD",
        CreatedAt = now,
        UpdatedAt = now,
    };

    public static void Apply(Plan plan, PlanRequest request)
    {
        plan.Name = request.Name.HasValue ? request.Name.Value?.Trim() ?? string.Empty : plan.Name;
        plan.Description = request.Description.HasValue ? NullIfBlank(request.Description.Value) : plan.Description;
        if (request.Limits is { } l)
        {
            plan.RequestsPerSecondPerKey = l.RequestsPerSecondPerKey.Or(plan.RequestsPerSecondPerKey);
            plan.BurstPerKey = l.BurstPerKey.Or(plan.BurstPerKey);
            plan.RequestsPerSecondPerTenant = l.RequestsPerSecondPerTenant.Or(plan.RequestsPerSecondPerTenant);
            plan.BurstPerTenant = l.BurstPerTenant.Or(plan.BurstPerTenant);
            plan.MonthlyRequestQuota = l.MonthlyRequestQuota.Or(plan.MonthlyRequestQuota);
            plan.MonthlyInputTokenQuota = l.MonthlyInputTokenQuota.Or(plan.MonthlyInputTokenQuota);
            plan.MonthlyOutputTokenQuota = l.MonthlyOutputTokenQuota.Or(plan.MonthlyOutputTokenQuota);
            plan.QuotaEnforcement = l.QuotaEnforcement.Or(plan.QuotaEnforcement);
            plan.MaxRequestBodyBytes = l.MaxRequestBodyBytes.Or(plan.MaxRequestBodyBytes);
            plan.MaxConcurrentRequestsPerKey = l.MaxConcurrentRequestsPerKey.Or(plan.MaxConcurrentRequestsPerKey ?? DefaultConcurrentPerKey);
            plan.MaxConcurrentRequestsPerTenant = l.MaxConcurrentRequestsPerTenant.Or(plan.MaxConcurrentRequestsPerTenant ?? DefaultConcurrentPerTenant);
            plan.AllowedModels = l.AllowedModels.HasValue ? l.AllowedModels.Value?.ToList() : plan.AllowedModels;
            plan.RateLimitScopePerKey = l.RateLimitScopePerKey.Or(plan.RateLimitScopePerKey);
            plan.RateLimitScopePerTenant = l.RateLimitScopePerTenant.Or(plan.RateLimitScopePerTenant);
            plan.RedisDownModePerKey = l.RedisDownModePerKey.Or(plan.RedisDownModePerKey);
            plan.RedisDownModePerTenant = l.RedisDownModePerTenant.Or(plan.RedisDownModePerTenant);
            plan.ShadowRateLimitPerKey = l.ShadowRateLimitPerKey.Or(plan.ShadowRateLimitPerKey);
            plan.ShadowRateLimitPerTenant = l.ShadowRateLimitPerTenant.Or(plan.ShadowRateLimitPerTenant);
        }

        if (request.Prices is { } p)
        {
            plan.Currency = p.Currency.HasValue ? p.Currency.Value ?? string.Empty : plan.Currency;
            plan.MonthlyBaseFee = p.MonthlyBaseFee.Or(plan.MonthlyBaseFee);
            plan.PricePer1KRequests = p.PricePer1KRequests.Or(plan.PricePer1KRequests);
            plan.PricePer1MInputTokens = p.PricePer1MInputTokens.Or(plan.PricePer1MInputTokens);
            plan.PricePer1MOutputTokens = p.PricePer1MOutputTokens.Or(plan.PricePer1MOutputTokens);
            plan.IncludedRequests = p.IncludedRequests.Or(plan.IncludedRequests);
            plan.IncludedInputTokens = p.IncludedInputTokens.Or(plan.IncludedInputTokens);
            plan.IncludedOutputTokens = p.IncludedOutputTokens.Or(plan.IncludedOutputTokens);
        }

        Budgets.PlanBudgets.Apply(plan, request.Budgets);
    }

    public static void Validate(Plan plan, long bodyCeiling, ValidationErrors errors)
    {
        if (plan.Name.Length is 0 or > 100)
        {
            errors.Add("name", "The name is required and has at most 100 characters.");
        }

        if (plan.Description is { Length: > 1000 })
        {
            errors.Add("description", "The description has at most 1000 characters.");
        }

        Rate(plan.RequestsPerSecondPerKey, "limits.requestsPerSecondPerKey", errors);
        Rate(plan.RequestsPerSecondPerTenant, "limits.requestsPerSecondPerTenant", errors);
        Burst(plan.BurstPerKey, "limits.burstPerKey", errors);
        Burst(plan.BurstPerTenant, "limits.burstPerTenant", errors);
        Quota(plan.MonthlyRequestQuota, "limits.monthlyRequestQuota", errors);
        Quota(plan.MonthlyInputTokenQuota, "limits.monthlyInputTokenQuota", errors);
        Quota(plan.MonthlyOutputTokenQuota, "limits.monthlyOutputTokenQuota", errors);
        if (!Enum.IsDefined(plan.QuotaEnforcement))
        {
            errors.Add("limits.quotaEnforcement", "Quota enforcement is hard or soft.");
        }
        if (plan.MaxRequestBodyBytes < 1 || plan.MaxRequestBodyBytes > bodyCeiling)
        {
            errors.Add("limits.maxRequestBodyBytes", $"The maximum request body is from 1 to {bodyCeiling} bytes (the operator's ceiling).");
        }

        Concurrency(plan.MaxConcurrentRequestsPerKey, "limits.maxConcurrentRequestsPerKey", errors);
        Concurrency(plan.MaxConcurrentRequestsPerTenant, "limits.maxConcurrentRequestsPerTenant", errors);

        ModelList(plan.AllowedModels, "limits.allowedModels", errors);
        RateLimitRules(plan, errors);

        if (!CurrencyRegex().IsMatch(plan.Currency))
        {
            errors.Add("prices.currency", "The currency is a three-letter ISO 4217 code in capitals, for example USD.");
        }

        Price(plan.MonthlyBaseFee, "prices.monthlyBaseFee", errors);
        Price(plan.PricePer1KRequests, "prices.pricePer1KRequests", errors);
        Price(plan.PricePer1MInputTokens, "prices.pricePer1MInputTokens", errors);
        Price(plan.PricePer1MOutputTokens, "prices.pricePer1MOutputTokens", errors);
        Included(plan.IncludedRequests, "prices.includedRequests", errors);
        Included(plan.IncludedInputTokens, "prices.includedInputTokens", errors);
        Included(plan.IncludedOutputTokens, "prices.includedOutputTokens", errors);
        Budgets.PlanBudgets.Validate(plan, errors);
    }

    /// <summary>Checks a list of model slugs (a plan's or a key's allow-list).</summary>
    public static void ModelList(IReadOnlyCollection<string>? models, string field, ValidationErrors errors)
    {
        if (models is null)
        {
            return;
        }

        if (models.Count > 1000)
        {
            errors.Add(field, "At most 1000 models can be listed.");
        }

        foreach (var model in models)
        {
            if (!Slugs.IsModelSlug(model))
            {
                errors.Add(field, $"'{Truncate(model)}' is not a valid model name: {Slugs.ModelRule}");
            }
        }

        if (models.Distinct(StringComparer.Ordinal).Count() != models.Count)
        {
            errors.Add(field, "A model is listed twice.");
        }
    }

    private static void RateLimitRules(Plan plan, ValidationErrors errors)
    {
        if (!Enum.IsDefined(plan.RateLimitScopePerKey))
        {
            errors.Add("limits.rateLimitScopePerKey", "The rate-limit scope is node or cluster.");
        }

        if (!Enum.IsDefined(plan.RateLimitScopePerTenant))
        {
            errors.Add("limits.rateLimitScopePerTenant", "The rate-limit scope is node or cluster.");
        }

        if (!Enum.IsDefined(plan.RedisDownModePerKey))
        {
            errors.Add("limits.redisDownModePerKey", "The Redis-down mode is local or closed.");
        }

        if (!Enum.IsDefined(plan.RedisDownModePerTenant))
        {
            errors.Add("limits.redisDownModePerTenant", "The Redis-down mode is local or closed.");
        }
    }

    private static void Rate(double value, string field, ValidationErrors errors)
    {
        if (!ConfigRules.IsRate(value))
        {
            errors.Add(field, "The rate is a number of requests per second from 0.001 to 1000000.");
        }
    }

    private static void Burst(int value, string field, ValidationErrors errors)
    {
        if (!ConfigRules.IsBurst(value))
        {
            errors.Add(field, "The burst is from 1 to 1000000 requests.");
        }
    }

    private static void Concurrency(int? value, string field, ValidationErrors errors)
    {
        if (value is < 1 or > MaxConcurrent)
        {
            errors.Add(field, $"The number of requests in flight is from 1 to {MaxConcurrent}.");
        }
    }

    private static void Quota(long? value, string field, ValidationErrors errors)
    {
        if (value is < 0)
        {
            errors.Add(field, "A quota is 0 or more; null means unlimited.");
        }
    }

    private static void Price(decimal value, string field, ValidationErrors errors)
    {
        if (value is < 0 or > 1_000_000_000 || decimal.Round(value, 6) != value)
        {
            errors.Add(field, "A price is from 0 to 1000000000 with at most 6 decimal places.");
        }
    }

    private static void Included(long value, string field, ValidationErrors errors)
    {
        if (value < 0)
        {
            errors.Add(field, "Included units are 0 or more.");
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Truncate(string? value) => value is null ? "null" : value.Length > 40 ? value[..40] + "…" : value;

    [GeneratedRegex("^[A-Z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyRegex();
}
