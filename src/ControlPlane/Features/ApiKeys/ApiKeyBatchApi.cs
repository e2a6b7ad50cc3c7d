using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.Plans;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.Security.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Features.ApiKeys;

/// <summary>
/// Issues up to <see cref="MaxBatchSize"/> keys in one call: one transaction, one audit event, one revision and one
/// delta for the whole batch, so provisioning a tenant's customers costs a round trip per thousand keys, not per key.
/// </summary>
internal static class ApiKeyBatchApi
{
    public const int MaxBatchSize = 1000;

    public static RouteGroupBuilder MapApiKeyBatchApi(this RouteGroupBuilder tenant)
    {
        tenant.MapPost("/api-keys:batch", CreateBatchAsync).WithName("CreateApiKeyBatch").WithTags("API keys")
            .AllowTenantRoles(Roles.TenantAdmin, Roles.Developer)
            .WithSummary($"Issue up to {MaxBatchSize} keys in one call. The response holds every key's secret: each is shown this once and never again.");
        return tenant;
    }

    private static async Task<Results<Created<ApiKeyBatchResponse>, ValidationProblem, ProblemHttpResult>> CreateBatchAsync(
        Guid tenantId, CreateApiKeyBatchRequest request, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No tenant with that id exists.");
        }

        if (Validate(request, changes.Now) is { } problem)
        {
            return problem;
        }

        var items = request.Keys!;
        var keys = new List<ApiKey>(items.Count);
        var answers = new List<ApiKeySecretResponse>(items.Count);
        var delta = new List<ConfigChange>(items.Count);
        foreach (var item in items)
        {
            var publicId = ApiKeyText.NewPublicId();
            var secret = ApiKeyText.Create(publicId);
            var key = new ApiKey
            {
                Id = Guid.CreateVersion7(),
                TenantId = tenant.Id,
                Name = item.Name!.Trim(),
                PublicId = publicId,
                SecretHash = ApiKeyText.Hash(secret),
                AllowedModels = item.AllowedModels?.ToList(),
                ExpiresAt = item.ExpiresAt?.ToUniversalTime(),
                CreatedBy = changes.Actor,
                CreatedAt = changes.Now,
            };
            keys.Add(key);
            answers.Add(new ApiKeySecretResponse(ApiKeyResponse.From(key, changes.Now), secret));
            delta.Add(new ApiKeyChanged { Key = SnapshotMapper.Key(key) });
        }

        Func<CancellationToken, Task>? copy = null;
        if (ApiKeyBulkInsert.CanCopy(db))
        {
            copy = token => ApiKeyBulkInsert.CopyAsync(db, keys, token);
        }
        else
        {
            // A thousand new rows: nothing to compare, so change detection is left out of the insert.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.ApiKeys.AddRange(keys);
        }

        changes.Audit(
            tenant.Id, "api_key.batch_created", $"api_key/{keys[0].Id}",
            $"Issued {keys.Count} keys in one batch, '{keys[0].Name}' ({ApiKeyText.DisplayPrefix(keys[0].PublicId)}) to '{keys[^1].Name}' ({ApiKeyText.DisplayPrefix(keys[^1].PublicId)}).");
        await changes.CommitAsync(delta, copy, ct);
        return TypedResults.Created($"/api/v1/tenants/{tenant.Id}/api-keys", new ApiKeyBatchResponse(answers));
    }

    /// <summary>Every error of the batch at once, each named by its position (<c>keys[3].name</c>).</summary>
    private static ValidationProblem? Validate(CreateApiKeyBatchRequest request, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (request.Keys is not { Count: > 0 and <= MaxBatchSize } items)
        {
            errors.Add("keys", $"A batch holds from 1 to {MaxBatchSize} keys; this one holds {request.Keys?.Count ?? 0}.");
            return errors.ToResult();
        }

        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add($"keys[{i}]", "A key is an object with at least a name.");
                continue;
            }

            var name = item.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 200)
            {
                errors.Add($"keys[{i}].name", "The name is required and has at most 200 characters.");
            }

            PlanRules.ModelList(item.AllowedModels, $"keys[{i}].allowedModels", errors);
            if (item.ExpiresAt is { } expires && (expires <= now || expires > now.AddYears(10)))
            {
                errors.Add($"keys[{i}].expiresAt", "The expiry is in the future and at most 10 years away.");
            }
        }

        return errors.Any ? errors.ToResult() : null;
    }
}
