using InferenceGateway.Contracts.Rules;
using InferenceGateway.Contracts;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.Security.Networking;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.ModelEndpoints;

internal static class ModelEndpointsApi
{
    public const int DefaultTimeoutSeconds = 60;
    public const int MaxTimeoutSeconds = ConfigRules.MaxTimeoutSeconds;

    public static RouteGroupBuilder MapModelEndpointsApi(this RouteGroupBuilder api)
    {
        var endpoints = api.MapGroup("/endpoints").WithTags("Model endpoints").AllowTenantRoles(Roles.TenantAdmin);
        endpoints.MapPost("/", CreateAsync).WithName("CreateModelEndpoint")
            .WithSummary("Register a model endpoint; the gateway serves it as /t/{tenant}/{model}/... The URL must be public (SSRF check).");
        endpoints.MapGet("/", ListAsync).WithName("ListModelEndpoints").AllowTenantRoles(Roles.TenantAdmin, Roles.Developer)
            .WithSummary("The tenant's model endpoints by model name (upstream credentials are never shown).");
        endpoints.MapGet("/{endpointId:guid}", GetAsync).WithName("GetModelEndpoint").AllowTenantRoles(Roles.TenantAdmin, Roles.Developer)
            .WithSummary("One model endpoint (its upstream credential is never shown).");
        endpoints.MapPatch("/{endpointId:guid}", UpdateAsync).WithName("UpdateModelEndpoint")
            .WithSummary("Change a model endpoint; omitted fields stay as they are. A new host drops the old upstream credential unless one is given.");
        endpoints.MapDelete("/{endpointId:guid}", DeleteAsync).WithName("DeleteModelEndpoint")
            .WithSummary("Delete a model endpoint; every node stops routing the model within about a second.");
        return api;
    }

    private static async Task<Results<Created<ModelEndpointResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid tenantId, CreateModelEndpointRequest request, ControlPlaneDbContext db, AdminChanges changes,
        EndpointUrlValidator urls, UpstreamCredentials credentials, PrivateTargets privateTargets, SnapshotMapper mapper, CancellationToken ct)
    {
        if (await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        var slug = tenant.Slug;

        var errors = new ValidationErrors();
        if (!Slugs.IsModelSlug(request.Model))
        {
            errors.Add("model", $"The model name is required: {Slugs.ModelRule}");
        }

        var url = await urls.ValidateAsync(request.BaseUrl, slug, ct);
        errors.AddRange("baseUrl", url.Errors);
        if (url.IsValid && await privateTargets.TakenByAnotherTenantAsync(tenantId, url.PrivateTargets, ct))
        {
            errors.Add("baseUrl", EndpointUrlValidator.NotAllowed);
        }

        if (request.UpstreamCredential is { } credential)
        {
            UpstreamCredentials.Validate(credential, "upstreamCredential", errors);
        }

        var timeout = request.TimeoutSeconds ?? DefaultTimeoutSeconds;
        ValidateTimeout(timeout, errors);
        EndpointMethods.Validate(request.AllowedMethods, "allowedMethods", errors);
        EndpointStreams.Validate(request.StreamMaxDurationSeconds, request.StreamMaxIdleSeconds, errors);
        EndpointOutputCeiling.Validate(request.MaxOutputTokens, errors);

        var imageRules = request.ImageRules is { } images ? ModelEndpointRules.ToSnapshot(images) : null;
        var hardening = request.OutputHardening is { } output ? ModelEndpointRules.ToSnapshot(output) : null;
        if (imageRules is not null)
        {
            ModelEndpointRules.Validate(imageRules, errors);
        }

        if (hardening is not null)
        {
            ModelEndpointRules.Validate(hardening, errors);
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (await db.ModelEndpoints.AnyAsync(e => e.TenantId == tenantId && e.Model == request.Model, ct))
        {
            return Problems.Conflict($"The tenant already has an endpoint for the model '{request.Model}'.");
        }

        var endpoint = new ModelEndpoint
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            Model = request.Model!,
            BaseUrl = url.Url!.ToString().TrimEnd('/'),
            UpstreamHeaderName = request.UpstreamCredential?.HeaderName,
            ProtectedUpstreamCredential = request.UpstreamCredential is { Value: { } value } ? credentials.Protect(value) : null,
            TimeoutSeconds = timeout,
            Enabled = request.Enabled ?? true,
            AllowedMethods = request.AllowedMethods is { } methods ? EndpointMethods.Normalize(methods) : null,
            ForwardClientAddress = request.ForwardClientAddress ?? false,
            StreamMaxDurationSeconds = request.StreamMaxDurationSeconds,
            StreamMaxIdleSeconds = request.StreamMaxIdleSeconds,
            ImageRules = ModelEndpointRules.Write(imageRules),
            OutputHardening = ModelEndpointRules.Write(hardening),
            MaxOutputTokens = request.MaxOutputTokens,
            CreatedAt = changes.Now,
            UpdatedAt = changes.Now,
        };
        db.ModelEndpoints.Add(endpoint);
        var withCredential = endpoint.UpstreamHeaderName is null ? string.Empty : $" with a credential in '{endpoint.UpstreamHeaderName}'";
        changes.Audit(tenantId, "endpoint.created", $"endpoint/{endpoint.Id}", $"Registered model '{endpoint.Model}' at {endpoint.BaseUrl}{withCredential}{ModelEndpointRules.Describe(imageRules, hardening)}.");
        await changes.CommitAsync([mapper.RouteChange(endpoint, tenant)], ct);
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/endpoints/{endpoint.Id}", ModelEndpointResponse.From(endpoint));
    }

    private static async Task<Results<Ok<PagedList<ModelEndpointResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid tenantId, ControlPlaneDbContext db, int? page, int? pageSize, CancellationToken ct)
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

        return TypedResults.Ok(await db.ModelEndpoints.AsNoTracking()
            .Where(e => e.TenantId == tenantId)
            .OrderBy(e => e.Model)
            .ToPageAsync(page, pageSize, ModelEndpointResponse.From, ct));
    }

    private static async Task<Results<Ok<ModelEndpointResponse>, ProblemHttpResult>> GetAsync(Guid tenantId, Guid endpointId, ControlPlaneDbContext db, CancellationToken ct) =>
        await db.ModelEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId && e.TenantId == tenantId, ct) is { } endpoint
            ? TypedResults.Ok(ModelEndpointResponse.From(endpoint))
            : Problems.NotFound("model endpoint");

    private static async Task<Results<Ok<ModelEndpointResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid tenantId, Guid endpointId, UpdateModelEndpointRequest request, ControlPlaneDbContext db, AdminChanges changes,
        EndpointUrlValidator urls, UpstreamCredentials credentials, PrivateTargets privateTargets, SnapshotMapper mapper, CancellationToken ct)
    {
        if (await db.ModelEndpoints.FirstOrDefaultAsync(e => e.Id == endpointId && e.TenantId == tenantId, ct) is not { } endpoint)
        {
            return Problems.NotFound("model endpoint");
        }

        var errors = new ValidationErrors();
        if (request.Model.HasValue && request.Model.Value != endpoint.Model)
        {
            errors.Add("model", "The model name cannot be changed: register a new endpoint and delete this one.");
        }

        var credentialChanged = false;
        if (request.BaseUrl.HasValue)
        {
            var slug = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Slug).SingleAsync(ct);
            var url = await urls.ValidateAsync(request.BaseUrl.Value, slug, ct);
            errors.AddRange("baseUrl", url.Errors);
            if (url.IsValid && await privateTargets.TakenByAnotherTenantAsync(tenantId, url.PrivateTargets, ct))
            {
                errors.Add("baseUrl", EndpointUrlValidator.NotAllowed);
            }

            if (url.IsValid && !errors.Any)
            {
                var newUrl = url.Url!.ToString().TrimEnd('/');
                if (!SameOrigin(endpoint.BaseUrl, url.Url!) && !request.UpstreamCredential.HasValue && endpoint.ProtectedUpstreamCredential is not null)
                {
                    // The credential was given for the old host: it must not follow the endpoint to another one.
                    endpoint.UpstreamHeaderName = null;
                    endpoint.ProtectedUpstreamCredential = null;
                    credentialChanged = true;
                }

                endpoint.BaseUrl = newUrl;
            }
        }

        if (request.UpstreamCredential.HasValue)
        {
            credentialChanged = true;
            if (request.UpstreamCredential.Value is { } credential)
            {
                UpstreamCredentials.Validate(credential, "upstreamCredential", errors);
                if (!errors.Any)
                {
                    endpoint.UpstreamHeaderName = credential.HeaderName;
                    endpoint.ProtectedUpstreamCredential = credentials.Protect(credential.Value!);
                }
            }
            else
            {
                endpoint.UpstreamHeaderName = null;
                endpoint.ProtectedUpstreamCredential = null;
            }
        }

        if (request.TimeoutSeconds.HasValue)
        {
            ValidateTimeout(request.TimeoutSeconds.Value, errors);
            endpoint.TimeoutSeconds = request.TimeoutSeconds.Value;
        }

        if (request.AllowedMethods.HasValue)
        {
            EndpointMethods.Validate(request.AllowedMethods.Value, "allowedMethods", errors);
            endpoint.AllowedMethods = request.AllowedMethods.Value is { } methods ? EndpointMethods.Normalize(methods) : null;
        }

        endpoint.ForwardClientAddress = request.ForwardClientAddress.Or(endpoint.ForwardClientAddress);
        if (request.StreamMaxDurationSeconds.HasValue || request.StreamMaxIdleSeconds.HasValue)
        {
            EndpointStreams.Validate(
                request.StreamMaxDurationSeconds.HasValue ? request.StreamMaxDurationSeconds.Value : null,
                request.StreamMaxIdleSeconds.HasValue ? request.StreamMaxIdleSeconds.Value : null,
                errors);
            endpoint.StreamMaxDurationSeconds = request.StreamMaxDurationSeconds.HasValue ? request.StreamMaxDurationSeconds.Value : endpoint.StreamMaxDurationSeconds;
            endpoint.StreamMaxIdleSeconds = request.StreamMaxIdleSeconds.HasValue ? request.StreamMaxIdleSeconds.Value : endpoint.StreamMaxIdleSeconds;
        }

        if (request.MaxOutputTokens.HasValue)
        {
            EndpointOutputCeiling.Validate(request.MaxOutputTokens.Value, errors);
            endpoint.MaxOutputTokens = request.MaxOutputTokens.Value;
        }

        if (request.ImageRules.HasValue)
        {
            var rules = request.ImageRules.Value is { } images ? ModelEndpointRules.ToSnapshot(images) : null;
            if (rules is not null)
            {
                ModelEndpointRules.Validate(rules, errors);
            }

            endpoint.ImageRules = ModelEndpointRules.Write(rules);
        }

        if (request.OutputHardening.HasValue)
        {
            var hardening = request.OutputHardening.Value is { } output ? ModelEndpointRules.ToSnapshot(output) : null;
            if (hardening is not null)
            {
                ModelEndpointRules.Validate(hardening, errors);
            }

            endpoint.OutputHardening = ModelEndpointRules.Write(hardening);
        }

        endpoint.Enabled = request.Enabled.Or(endpoint.Enabled);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (!db.ChangeTracker.HasChanges())
        {
            return TypedResults.Ok(ModelEndpointResponse.From(endpoint));
        }

        endpoint.UpdatedAt = changes.Now;
        var changed = db.Entry(endpoint).Properties
            .Where(p => p.IsModified && p.Metadata.Name is not (nameof(ModelEndpoint.UpdatedAt) or nameof(ModelEndpoint.ProtectedUpstreamCredential) or nameof(ModelEndpoint.UpstreamHeaderName)))
            .Select(p => p.Metadata.Name)
            .Concat(credentialChanged ? ["UpstreamCredential"] : []);
        changes.Audit(tenantId, "endpoint.updated", $"endpoint/{endpoint.Id}", $"Updated model '{endpoint.Model}': {string.Join(", ", changed)}.");
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        await changes.CommitAsync([mapper.RouteChange(endpoint, tenant)], ct);
        return TypedResults.Ok(ModelEndpointResponse.From(endpoint));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid tenantId, Guid endpointId, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.ModelEndpoints.FirstOrDefaultAsync(e => e.Id == endpointId && e.TenantId == tenantId, ct) is not { } endpoint)
        {
            return Problems.NotFound("model endpoint");
        }

        db.ModelEndpoints.Remove(endpoint);
        changes.Audit(tenantId, "endpoint.deleted", $"endpoint/{endpoint.Id}", $"Deleted model '{endpoint.Model}'.");
        await changes.CommitAsync([new RouteRemoved { EndpointId = endpoint.Id }], ct);
        return TypedResults.NoContent();
    }

    /// <summary>Scheme, host and port unchanged: a stored credential may stay with the endpoint.</summary>
    private static bool SameOrigin(string oldBaseUrl, Uri newUrl) =>
        Uri.TryCreate(oldBaseUrl, UriKind.Absolute, out var old)
        && string.Equals(old.Scheme, newUrl.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(old.IdnHost, newUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
        && old.Port == newUrl.Port;

    private static void ValidateTimeout(int timeout, ValidationErrors errors)
    {
        if (!ConfigRules.IsTimeout(timeout))
        {
            errors.Add("timeoutSeconds", $"The timeout is from 1 to {MaxTimeoutSeconds} seconds.");
        }
    }
}
