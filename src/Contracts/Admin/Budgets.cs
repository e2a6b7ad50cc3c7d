namespace InferenceGateway.Contracts.Admin;

/// <summary>
/// A tenant's spend budgets now: spent (from the usage ledger, at the plan's prices), limit and remaining, for the
/// calendar month and the day (UTC), for the tenant and for each credential that spent this month, and how many
/// requests a shadow budget would have refused this month.
/// </summary>
public sealed record TenantBudgetResponse(
    Guid TenantId, string Currency, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, DateTimeOffset Day,
    string TenantMode, string KeyMode, string WhenRedisDown,
    BudgetLineResponse Monthly, BudgetLineResponse Daily, IReadOnlyList<CredentialBudgetResponse> Credentials,
    long WouldHaveBeenLimited);

/// <summary>Limit null means no budget; remaining is never below zero.</summary>
public sealed record BudgetLineResponse(decimal Spent, decimal? Limit, decimal? Remaining, bool Exhausted);

/// <summary>A credential's spend this month and today against the plan's per-credential budgets.</summary>
public sealed record CredentialBudgetResponse(string CredentialId, string CredentialKind, BudgetLineResponse Monthly, BudgetLineResponse Daily);
