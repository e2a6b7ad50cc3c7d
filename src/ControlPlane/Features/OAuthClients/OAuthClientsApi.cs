using System.Security.Cryptography;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.Plans;
using InferenceGateway.ControlPlane.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.OAuthClients;

/// <summary>
/// A tenant's OAuth clients (client credentials grant). The secret is shown once; OpenIddict stores only its hash.
/// A revoked client gets no new token, and its unexpired tokens are refused by the admin API at once and by
/// every node as soon as the revision that removes it arrives. Clients travel to nodes as configuration deltas.
/// </summary>
internal static class OAuthClientsApi
{
    public const string ClientIdPrefix = "igwc_";
    public const string SecretPrefix = "igwcs_";

    public static RouteGroupBuilder MapOAuthClientsApi(this RouteGroupBuilder tenant)
    {
        var clients = tenant.MapGroup("/oauth-clients").WithTags("OAuth clients").AllowTenantRoles(Roles.TenantAdmin);
        clients.MapPost("/", CreateAsync).WithName("CreateOAuthClient")
            .WithSummary("Register a client for the client credentials grant. The response holds the secret: it is shown this once.");
        clients.MapGet("/", ListAsync).WithName("ListOAuthClients").WithSummary("The tenant's OAuth clients, newest first.");
        clients.MapGet("/{clientId:guid}", GetAsync).WithName("GetOAuthClient").WithSummary("One OAuth client.");
        clients.MapPost("/{clientId:guid}/rotate-secret", RotateAsync).WithName("RotateOAuthClientSecret")
            .WithSummary("Give a client a new secret (shown once); the old one stops working at once. Tokens already issued stay valid until they expire.");
        clients.MapPost("/{clientId:guid}/revoke", RevokeAsync).WithName("RevokeOAuthClient")
            .WithSummary("Revoke a client: it gets no new token and its unexpired tokens are refused.");
        return tenant;
    }

    private static async Task<Results<Created<OAuthClientSecretResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid tenantId, CreateOAuthClientRequest request, ControlPlaneDbContext db, IOpenIddictApplicationManager applications,
        AdminCallerAccessor callers, ConfigPublisher publisher, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add("name", "The name is required and has at most 200 characters.");
        }

        var models = request.AllowedModels ?? [];
        PlanRules.ModelList(models, "allowedModels", errors);
        if (models.Count > OAuthScopes.MaxModels)
        {
            errors.Add("allowedModels", $"A client names at most {OAuthScopes.MaxModels} models; each is a scope of its tokens.");
        }

        if (models.Count == 0 && request.Admin != true)
        {
            errors.Add("allowedModels", "Name at least one model, or make the client an admin client.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var now = time.GetUtcNow();
        var client = new OAuthClient
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            ClientId = ClientIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Name = name!,
            AllowedModels = models,
            Admin = request.Admin == true,
            CreatedBy = callers.Caller.Actor,
            CreatedAt = now,
        };
        var secret = NewSecret();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.OAuthClients.Add(client);
        IdentityAudit.Add(db, callers.Caller.Actor, now, tenantId, "oauth_client.created", $"oauth_client/{client.Id}", $"Registered OAuth client '{client.Name}' ({client.ClientId}).");
        await db.SaveChangesAsync(ct);
        await applications.CreateAsync(Descriptor(client, secret), ct);
        await publisher.AddRevisionAsync([new OAuthClientChanged { Client = SnapshotMapper.OAuthClient(client) }], "oauth_client.created", now, ct);
        await transaction.CommitAsync(ct);
        publisher.Committed();
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/oauth-clients/{client.Id}", new OAuthClientSecretResponse(OAuthClientResponse.From(client), secret));
    }

    private static async Task<Results<Ok<PagedList<OAuthClientResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid tenantId, ControlPlaneDbContext db, int? page, int? pageSize, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        return TypedResults.Ok(await db.OAuthClients.AsNoTracking()
            .Where(c => c.TenantId == tenantId)
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id)
            .ToPageAsync(page, pageSize, OAuthClientResponse.From, ct));
    }

    private static async Task<Results<Ok<OAuthClientResponse>, ProblemHttpResult>> GetAsync(Guid tenantId, Guid clientId, ControlPlaneDbContext db, CancellationToken ct) =>
        await db.OAuthClients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == clientId && c.TenantId == tenantId, ct) is { } client
            ? TypedResults.Ok(OAuthClientResponse.From(client))
            : Problems.NotFound("OAuth client");

    private static async Task<Results<Ok<OAuthClientSecretResponse>, ProblemHttpResult>> RotateAsync(
        Guid tenantId, Guid clientId, ControlPlaneDbContext db, IOpenIddictApplicationManager applications, AdminCallerAccessor callers, TimeProvider time, CancellationToken ct)
    {
        if (await db.OAuthClients.FirstOrDefaultAsync(c => c.Id == clientId && c.TenantId == tenantId, ct) is not { } client)
        {
            return Problems.NotFound("OAuth client");
        }

        if (client.RevokedAt is not null || await applications.FindByClientIdAsync(client.ClientId, ct) is not { } application)
        {
            return Problems.Conflict("The client is revoked.");
        }

        var secret = NewSecret();
        client.SecretRotatedAt = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        IdentityAudit.Add(db, callers.Caller.Actor, client.SecretRotatedAt.Value, tenantId, "oauth_client.rotated", $"oauth_client/{client.Id}", $"Rotated the secret of OAuth client '{client.Name}' ({client.ClientId}).");
        await db.SaveChangesAsync(ct);
        await applications.UpdateAsync(application, Descriptor(client, secret), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new OAuthClientSecretResponse(OAuthClientResponse.From(client), secret));
    }

    private static async Task<Results<Ok<OAuthClientResponse>, ProblemHttpResult>> RevokeAsync(
        Guid tenantId, Guid clientId, ControlPlaneDbContext db, IOpenIddictApplicationManager applications, AdminCallerAccessor callers,
        ConfigPublisher publisher, TimeProvider time, CancellationToken ct)
    {
        if (await db.OAuthClients.FirstOrDefaultAsync(c => c.Id == clientId && c.TenantId == tenantId, ct) is not { } client)
        {
            return Problems.NotFound("OAuth client");
        }

        if (client.RevokedAt is not null)
        {
            return Problems.Conflict("The client is already revoked.");
        }

        client.RevokedAt = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        IdentityAudit.Add(db, callers.Caller.Actor, client.RevokedAt.Value, tenantId, "oauth_client.revoked", $"oauth_client/{client.Id}", $"Revoked OAuth client '{client.Name}' ({client.ClientId}).");
        await db.SaveChangesAsync(ct);
        if (await applications.FindByClientIdAsync(client.ClientId, ct) is { } application)
        {
            // Without its application the client cannot authenticate at the token endpoint any more.
            await applications.DeleteAsync(application, ct);
        }

        // Nodes drop the client with this revision: its unexpired tokens are refused from then on.
        await publisher.AddRevisionAsync([new OAuthClientRemoved { Id = client.Id }], "oauth_client.revoked", client.RevokedAt.Value, ct);
        await transaction.CommitAsync(ct);
        publisher.Committed();
        return TypedResults.Ok(OAuthClientResponse.From(client));
    }

    private static string NewSecret() => SecretPrefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    private static OpenIddictApplicationDescriptor Descriptor(OAuthClient client, string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.Name,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in OAuthScopes.Of(client))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return descriptor;
    }
}
