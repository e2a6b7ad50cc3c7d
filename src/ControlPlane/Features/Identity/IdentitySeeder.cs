using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace InferenceGateway.ControlPlane.Features.Identity;

/// <summary>
/// At start, after the migrations: the roles, the first platform admin from configuration (only while no platform
/// admin exists, so a password changed later is never reset), and the portal's OAuth client.
/// </summary>
internal sealed partial class IdentitySeeder(IServiceScopeFactory scopes, IOptions<PlatformIdentityOptions> options, ILogger<IdentitySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        foreach (var name in new[] { Roles.PlatformAdmin }.Concat(Roles.TenantRoles))
        {
            if (!await roles.RoleExistsAsync(name))
            {
                Check(await roles.CreateAsync(new IdentityRole<Guid>(name) { Id = Guid.CreateVersion7() }), "role " + name);
            }
        }

        await SeedFirstAdminAsync(scope.ServiceProvider);
        await SeedPortalClientAsync(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(), cancellationToken);
    }

    private async Task SeedFirstAdminAsync(IServiceProvider services)
    {
        var first = options.Value.FirstAdmin;
        if (first.Email is not { Length: > 0 } email || first.ResolvePassword() is not { } password)
        {
            return;
        }

        var users = services.GetRequiredService<UserManager<User>>();
        if ((await users.GetUsersInRoleAsync(Roles.PlatformAdmin)).Count > 0)
        {
            return;
        }

        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new User { Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Check(await users.CreateAsync(user, password), "the first platform admin");
        }

        Check(await users.AddToRoleAsync(user, Roles.PlatformAdmin), "the first platform admin's role");
        LogFirstAdmin(logger, user.Id);
    }

    private async Task SeedPortalClientAsync(IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var settings = options.Value;
        if (settings.PortalRedirectUris.Count == 0)
        {
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = IdentityHosting.PortalClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "Inference Gateway portal",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email,
                Permissions.Scopes.Profile,
                Permissions.Prefixes.Scope + IdentityHosting.PortalScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in settings.PortalRedirectUris)
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in settings.PortalPostLogoutRedirectUris)
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        // The configuration is the source of truth: redirect URIs changed there replace the stored ones.
        if (await applications.FindByClientIdAsync(IdentityHosting.PortalClientId, ct) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, ct);
        }
        else
        {
            await applications.CreateAsync(descriptor, ct);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Created the first platform admin (user {UserId}) from configuration")]
    private static partial void LogFirstAdmin(ILogger logger, Guid userId);
}
