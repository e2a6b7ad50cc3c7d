using Microsoft.AspNetCore.Identity;

namespace InferenceGateway.ControlPlane.Data.Identity;

/// <summary>A person who signs in to the portal. Platform-wide rights are Identity roles; tenant rights are memberships.</summary>
internal sealed class User : IdentityUser<Guid>
{
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The role names. <see cref="PlatformAdmin"/> is global; the others hold per tenant, through a membership.</summary>
internal static class Roles
{
    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";
    public const string Developer = "developer";
    public const string Finance = "finance";

    public static readonly IReadOnlyList<string> TenantRoles = [TenantAdmin, Developer, Finance];

    public static bool IsTenantRole(string? role) => role is TenantAdmin or Developer or Finance;
}
