using System.Text.RegularExpressions;
using InferenceGateway.Contracts;
using InferenceGateway.Contracts.Snapshots;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Features.Configuration;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Features.Plans;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.Security.Networking;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Features.ExternalIssuers;

/// <summary>
/// A tenant's own identity providers: nodes accept their access tokens for the tenant's paths, with the models
/// (and plan) the token's claim maps to. Each change is audited and travels to nodes as a delta.
/// </summary>
internal static partial class ExternalIssuersApi
{
    public const int MaxMappings = 100;

    public static RouteGroupBuilder MapExternalIssuersApi(this RouteGroupBuilder tenant)
    {
        var issuers = tenant.MapGroup("/issuers").WithTags("External issuers").AllowTenantRoles(Roles.TenantAdmin);
        issuers.MapPost("/", CreateAsync).WithName("CreateExternalIssuer")
            .WithSummary("Register an identity provider whose access tokens nodes accept for this tenant, with how its claim maps to models and plans.");
        issuers.MapGet("/", ListAsync).WithName("ListExternalIssuers").WithSummary("The tenant's external issuers, oldest first.");
        issuers.MapGet("/{issuerId:guid}", GetAsync).WithName("GetExternalIssuer").WithSummary("One external issuer.");
        issuers.MapPut("/{issuerId:guid}", UpdateAsync).WithName("UpdateExternalIssuer")
            .WithSummary("Replace an external issuer's settings and mappings; nodes apply them with the next revision.");
        issuers.MapDelete("/{issuerId:guid}", DeleteAsync).WithName("DeleteExternalIssuer")
            .WithSummary("Remove an external issuer: its tokens are refused on every node from the next revision.");
        return tenant;
    }

    private static async Task<Results<Created<ExternalIssuerResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid tenantId, ExternalIssuerRequest request, ControlPlaneDbContext db, AdminChanges changes, EndpointUrlValidator urls,
        IOptions<PlatformIdentityOptions> identity, CancellationToken ct)
    {
        if (await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenantId, ct) is not { } tenant)
        {
            return Problems.NotFound("tenant");
        }

        var errors = await ValidateAsync(request, tenant.Slug, db, urls, identity.Value, ct);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (await db.ExternalIssuers.AnyAsync(i => i.TenantId == tenantId && i.Issuer == request.Issuer, ct))
        {
            return Problems.Conflict("The tenant already has an issuer with this issuer URL; change that one instead.");
        }

        var issuer = new ExternalIssuer
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            Name = null!, Issuer = null!, JwksUrl = null!, Audience = null!, ClaimName = null!, MappingsJson = "[]",
            CreatedBy = changes.Actor,
            CreatedAt = changes.Now,
        };
        Apply(issuer, request, changes.Now);
        db.ExternalIssuers.Add(issuer);
        changes.Audit(tenantId, "external_issuer.created", $"external_issuer/{issuer.Id}", $"Registered external issuer '{issuer.Name}' ({issuer.Issuer}).");
        await changes.CommitAsync([new ExternalIssuerChanged { Issuer = SnapshotMapper.ExternalIssuer(issuer) }], ct);
        return TypedResults.Created($"/api/v1/tenants/{tenantId}/issuers/{issuer.Id}", ExternalIssuerResponse.From(issuer));
    }

    private static async Task<Results<Ok<List<ExternalIssuerResponse>>, ProblemHttpResult>> ListAsync(Guid tenantId, ControlPlaneDbContext db, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return Problems.NotFound("tenant");
        }

        var issuers = await db.ExternalIssuers.AsNoTracking().Where(i => i.TenantId == tenantId).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).ToListAsync(ct);
        return TypedResults.Ok(issuers.Select(ExternalIssuerResponse.From).ToList());
    }

    private static async Task<Results<Ok<ExternalIssuerResponse>, ProblemHttpResult>> GetAsync(Guid tenantId, Guid issuerId, ControlPlaneDbContext db, CancellationToken ct) =>
        await db.ExternalIssuers.AsNoTracking().FirstOrDefaultAsync(i => i.Id == issuerId && i.TenantId == tenantId, ct) is { } issuer
            ? TypedResults.Ok(ExternalIssuerResponse.From(issuer))
            : Problems.NotFound("external issuer");

    private static async Task<Results<Ok<ExternalIssuerResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid tenantId, Guid issuerId, ExternalIssuerRequest request, ControlPlaneDbContext db, AdminChanges changes, EndpointUrlValidator urls,
        IOptions<PlatformIdentityOptions> identity, CancellationToken ct)
    {
        if (await db.ExternalIssuers.FirstOrDefaultAsync(i => i.Id == issuerId && i.TenantId == tenantId, ct) is not { } issuer)
        {
            return Problems.NotFound("external issuer");
        }

        var slug = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.Slug).SingleAsync(ct);
        var errors = await ValidateAsync(request, slug, db, urls, identity.Value, ct);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (request.Issuer != issuer.Issuer && await db.ExternalIssuers.AnyAsync(i => i.TenantId == tenantId && i.Issuer == request.Issuer && i.Id != issuerId, ct))
        {
            return Problems.Conflict("The tenant already has another issuer with this issuer URL.");
        }

        Apply(issuer, request, changes.Now);
        changes.Audit(tenantId, "external_issuer.updated", $"external_issuer/{issuer.Id}", $"Changed external issuer '{issuer.Name}' ({issuer.Issuer}).");
        await changes.CommitAsync([new ExternalIssuerChanged { Issuer = SnapshotMapper.ExternalIssuer(issuer) }], ct);
        return TypedResults.Ok(ExternalIssuerResponse.From(issuer));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid tenantId, Guid issuerId, ControlPlaneDbContext db, AdminChanges changes, CancellationToken ct)
    {
        if (await db.ExternalIssuers.FirstOrDefaultAsync(i => i.Id == issuerId && i.TenantId == tenantId, ct) is not { } issuer)
        {
            return Problems.NotFound("external issuer");
        }

        db.ExternalIssuers.Remove(issuer);
        changes.Audit(tenantId, "external_issuer.deleted", $"external_issuer/{issuer.Id}", $"Removed external issuer '{issuer.Name}' ({issuer.Issuer}).");
        await changes.CommitAsync([new ExternalIssuerRemoved { IssuerId = issuer.Id }], ct);
        return TypedResults.NoContent();
    }

    private static void Apply(ExternalIssuer issuer, ExternalIssuerRequest request, DateTimeOffset now)
    {
        issuer.Name = request.Name!.Trim();
        issuer.Issuer = request.Issuer!;
        issuer.JwksUrl = request.JwksUrl!;
        issuer.Audience = request.Audience!;
        issuer.ClaimName = request.ClaimName!;
        issuer.Mappings = [.. request.Mappings!.Select(m => new ClaimMappingSnapshot { Value = m.Value!, AllowedModels = [.. m.AllowedModels!.Order(StringComparer.Ordinal)], PlanId = m.PlanId })];
        // Validated already: a request with an unknown type never gets here.
        issuer.AcceptedTokenTypes = ExternalIssuerTokenTypes.Normalize(request.AcceptedTokenTypes, new ValidationErrors());
        issuer.UpdatedAt = now;
    }

    /// <summary>Every problem of the request, by field.</summary>
    private static async Task<ValidationErrors> ValidateAsync(
        ExternalIssuerRequest request, string tenantSlug, ControlPlaneDbContext db, EndpointUrlValidator urls, PlatformIdentityOptions identity, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (request.Name?.Trim() is not { } name || !NameRegex().IsMatch(name))
        {
            errors.Add("name", "The name is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (request.Issuer is not { Length: > 0 and <= 500 } issuer || !Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUri)
            || issuerUri.Scheme is not ("https" or "http") || issuerUri.Fragment.Length > 0 || issuerUri.UserInfo.Length > 0)
        {
            errors.Add("issuer", "The issuer is required: the exact 'iss' of the provider's tokens, an absolute http(s) URL of at most 500 characters without user info or fragment.");
        }
        else if (identity.Issuer is { Length: > 0 } platform && Uri.TryCreate(platform, UriKind.Absolute, out var platformUri) && platformUri.AbsoluteUri == issuerUri.AbsoluteUri)
        {
            errors.Add("issuer", "This is the platform's own issuer; its tokens are accepted already (use an OAuth client).");
        }

        if (request.JwksUrl is not { Length: > 0 and <= 2000 })
        {
            errors.Add("jwksUrl", "The JWKS URL is required (at most 2000 characters).");
        }
        else
        {
            // The same egress rules as a model endpoint: a public address, or one the operator allowed for this tenant.
            errors.AddRange("jwksUrl", (await urls.ValidateAsync(request.JwksUrl, tenantSlug, ct)).Errors);
        }

        if (request.Audience is not { Length: > 0 and <= 500 } || request.Audience.Any(char.IsControl))
        {
            errors.Add("audience", "The audience is required: the 'aud' the provider puts in tokens for the gateway (at most 500 characters).");
        }

        if (request.ClaimName is not { } claim || !ClaimRegex().IsMatch(claim))
        {
            errors.Add("claimName", "The claim name is required: the claim whose values select the mappings, such as 'scope', 'roles' or 'groups' (letters, digits, '_', ':', '.', '/', '-'; at most 100).");
        }

        ExternalIssuerTokenTypes.Normalize(request.AcceptedTokenTypes, errors);
        var mappings = request.Mappings ?? [];
        if (mappings.Count is 0 or > MaxMappings)
        {
            errors.Add("mappings", $"Between 1 and {MaxMappings} mappings from claim values to models are required.");
        }

        var planIds = mappings.Where(m => m?.PlanId is not null).Select(m => m!.PlanId!.Value).Distinct().ToList();
        var known = planIds.Count == 0 ? [] : await db.Plans.AsNoTracking().Where(p => planIds.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
        for (var i = 0; i < mappings.Count; i++)
        {
            var field = $"mappings[{i}]";
            if (mappings[i] is not { } mapping)
            {
                errors.Add(field, "A mapping is required.");
                continue;
            }

            if (mapping.Value is not { Length: > 0 and <= 200 } || mapping.Value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                errors.Add($"{field}.value", "The claim value is required: at most 200 characters, without spaces.");
            }

            if (mapping.AllowedModels is not { Count: > 0 })
            {
                errors.Add($"{field}.allowedModels", "Name at least one model this claim value allows.");
            }
            else
            {
                PlanRules.ModelList(mapping.AllowedModels, $"{field}.allowedModels", errors);
            }

            if (mapping.PlanId is { } planId && !known.Contains(planId))
            {
                errors.Add($"{field}.planId", "No plan with that id exists.");
            }
        }

        if (mappings.Where(m => m?.Value is not null).GroupBy(m => m!.Value, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            errors.Add("mappings", "A claim value is mapped twice.");
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z0-9_:./-]{1,100}$")]
    private static partial Regex ClaimRegex();
}
