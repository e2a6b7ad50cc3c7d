using InferenceGateway.Contracts.Rules;

namespace InferenceGateway.ControlPlane.Infrastructure;

/// <summary>The rules for names that appear in gateway URLs (defined once in <see cref="ConfigRules"/>, which nodes check too).</summary>
internal static class Slugs
{
    public const string TenantRule = ConfigRules.TenantSlugRule;

    public const string ModelRule = ConfigRules.ModelSlugRule;

    public static bool IsTenantSlug(string? value) => value is not null && ConfigRules.IsTenantSlug(value);

    public static bool IsModelSlug(string? value) => value is not null && ConfigRules.IsModelSlug(value);
}
