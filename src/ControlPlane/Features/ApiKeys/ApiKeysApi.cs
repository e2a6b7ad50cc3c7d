using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Features.Plans;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.Security.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.ApiKeys;

internal static class ApiKeysApi
{
    public const int MaxGracePeriodSeconds = 7 * 24 * 3600;

    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").AllowTenantRoles(Roles.TenantAdmin, Roles.Developer);
        keys.MapPost("/", CreateAsync).WithName("CreateApiKey")
            .WithSummary("Issue a key. The response holds the key's secret: it is shown this once and never again.");
        keys.MapGet("/", ListAsync).WithName("ListApiKeys")
            .WithSummary("The tenant's API keys, newest first (never their secrets); filter by status (active, revoked, expired) and by a text in the name.");
        keys.MapGet("/{keyId:guid}", GetAsync).WithName("GetApiKey").WithSummary("One API key (never its secret).");
        keys.MapPost("/{keyId:guid}/revoke", RevokeAsync).WithName("RevokeApiKey")
            .WithSummary("Revoke a key; every node rejects it within about a second.");
        keys.MapPost("/{keyId:guid}/rotate", RotateAsync).WithName("RotateApiKey")
            .WithSummary("Give a key a new secret (shown once). The old secret keeps working for the grace period given (default 0).");
        return api;
    }

    private static async Task<Results<Created<ApiKeySecretResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(Guid tenantId, CreateApiKeyRequest request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            errors.Add("name", "The name is required and has at most 200 characters.");
        }

        PlanRules.ModelList(request.AllowedModels, "allowedModels", errors);
        if (request.ExpiresAt is { } expires && (expires <= changes.Now || expires > changes.Now.AddYears(10)))
        {
            errors.Add("expiresAt", "The expiry is in the future and at most 10 years away.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var publicId = ApiKeyText.NewPublicId();
        var secret = ApiKeyText.Create(publicId);
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant.Id,
            Name = name!,
            PublicId = publicId,
            SecretHash = ApiKeyText.Hash(secret),
            AllowedModels = request.AllowedModels?.ToList(),
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
            CreatedBy = changes.Actor,
            CreatedAt = changes.Now,
        };
        db.ApiKeys.Add(key);
        changes.Audit(tenant.Id, "api_key.created", $"api_key/{key.Id}", $"Issued key '{key.Name}' ({ApiKeyText.DisplayPrefix(publicId)}).");
        await changes.CommitAsync([new ApiKeyChanged { Key = SnapshotMapper.Key(key) }], ct);
        return TypedResults.Created(
            $"/api/v1/tenants/{tenant.Id}/api-keys/{key.Id}",
            new ApiKeySecretResponse(ApiKeyResponse.From(key, changes.Now), secret));
    }

    private static async Task<Results<Ok<PagedList<ApiKeyResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid tenantId, ControlPlaneDbContext db, TimeProvider time, string? status, string? search, int? page, int? pageSize, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var errors = new ValidationErrors();
        Paging.Validate(page, pageSize, errors);
        if (status is not null and not ("active" or "revoked" or "expired"))
        {
            errors.Add("status", "The status is active, revoked or expired.");
        }

        if (search is { Length: > 200 })
        {
            errors.Add("search", "The search text has at most 200 characters.");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var now = time.GetUtcNow();
        var query = db.ApiKeys.AsNoTracking().Where(k => k.TenantId == tenantId);
        query = status switch
        {
            "revoked" => query.Where(k => k.RevokedAt != null),
            "expired" => query.Where(k => k.RevokedAt == null && k.ExpiresAt != null && k.ExpiresAt <= now),
            "active" => query.Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now)),
            _ => query,
        };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim();
            query = query.Where(k => k.Name.Contains(text));
        }

        return TypedResults.Ok(await query
            .OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id)
            .ToPageAsync(page, pageSize, k => ApiKeyResponse.From(k, now), ct));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> GetAsync(Guid tenantId, Guid keyId, ControlPlaneDbContext db, TimeProvider time, CancellationToken ct) =>
        await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId && k.TenantId == tenantId, ct) is { } key
            ? TypedResults.Ok(ApiKeyResponse.From(key, time.GetUtcNow()))
            : Problems.NotFound("API key");

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokeAsync(Guid tenantId, Guid keyId, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.TenantId == tenantId, ct) is not { } key)
        {
            return Problems.NotFound("API key");
        }

        if (key.RevokedAt is not null)
        {
            return Problems.Conflict("The key is already revoked.");
        }

        key.RevokedAt = changes.Now;
        key.Version++;
        key.PreviousSecretHash = null;
        key.PreviousSecretExpiresAt = null;
        changes.Audit(tenantId, "api_key.revoked", $"api_key/{key.Id}", $"Revoked key '{key.Name}' ({ApiKeyText.DisplayPrefix(key.PublicId)}).");
        await changes.CommitAsync([new ApiKeyRemoved { KeyId = key.Id }], ct);
        return TypedResults.Ok(ApiKeyResponse.From(key, changes.Now));
    }

    private static async Task<Results<Ok<ApiKeySecretResponse>, ValidationProblem, ProblemHttpResult>> RotateAsync(Guid tenantId, Guid keyId, RotateApiKeyRequest? request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.TenantId == tenantId, ct) is not { } key)
        {
            return Problems.NotFound("API key");
        }

        var grace = request?.GracePeriodSeconds ?? 0;
        if (grace is < 0 or > MaxGracePeriodSeconds)
        {
            var errors = new ValidationErrors();
            errors.Add("gracePeriodSeconds", $"The grace period is from 0 to {MaxGracePeriodSeconds} seconds (7 days).");
            return errors.ToResult();
        }

        if (key.RevokedAt is not null)
        {
            return Problems.Conflict("A revoked key cannot be rotated; issue a new key.");
        }

        if (key.ExpiresAt is { } expires && expires <= changes.Now)
        {
            return Problems.Conflict("An expired key cannot be rotated; issue a new key.");
        }

        var secret = ApiKeyText.Create(key.PublicId);
        key.PreviousSecretHash = grace > 0 ? key.SecretHash : null;
        key.PreviousSecretExpiresAt = grace > 0 ? changes.Now.AddSeconds(grace) : null;
        key.SecretHash = ApiKeyText.Hash(secret);
        key.RotatedAt = changes.Now;
        key.Version++;
        changes.Audit(tenantId, "api_key.rotated", $"api_key/{key.Id}", $"Rotated key '{key.Name}' ({ApiKeyText.DisplayPrefix(key.PublicId)}); the old secret stays valid for {grace} s.");
        await changes.CommitAsync([new ApiKeyChanged { Key = SnapshotMapper.Key(key) }], ct);
        return TypedResults.Ok(new ApiKeySecretResponse(ApiKeyResponse.From(key, changes.Now), secret));
    }
}
