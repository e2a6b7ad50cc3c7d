using System.Security.Cryptography;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.ControlPlane.Infrastructure.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InferenceGateway.ControlPlane.Features.Fleet;

/// <summary>The answer to issuing a node credential: the only time the token is shown.</summary>
internal sealed record NodeCredentialResponse(string NodeId, string Token, DateTimeOffset IssuedAt);

/// <summary>
/// Per-node credentials for the snapshot API (platform admins): issue a token for one node id (shown once, stored
/// hashed, replacing any previous one) or revoke it. A revoked node gets 401 while every other node keeps working.
/// </summary>
internal static class NodeCredentialsApi
{
    public static RouteGroupBuilder MapNodeCredentialsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/dataplane/nodes/{nodeId}/credential").WithTags("Data plane");
        group.MapPost("/", IssueAsync).WithName("IssueNodeCredential")
            .WithSummary("Issue a snapshot-API token for one node id (shown once); it replaces any previous token of that node, configured ones included.");
        group.MapDelete("/", RevokeAsync).WithName("RevokeNodeCredential")
            .WithSummary("Revoke the node's token (issued or configured): its pulls get 401 until a new one is issued.");
        return api;
    }

    private static async Task<Results<Created<NodeCredentialResponse>, ValidationProblem>> IssueAsync(string nodeId, HttpContext http, ControlPlaneDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (!NodeIds.IsValid(nodeId))
        {
            return InvalidNodeId();
        }

        var now = time.GetUtcNow();
        var token = "igwn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var actor = Actor(http);
        var credential = await db.NodeCredentials.FirstOrDefaultAsync(c => c.NodeId == nodeId, ct);
        if (credential is null)
        {
            credential = new NodeCredential { NodeId = nodeId, IssuedBy = actor };
            db.NodeCredentials.Add(credential);
        }

        credential.TokenHash = BearerTokenHandler.HashToken(token);
        credential.IssuedAt = now;
        credential.IssuedBy = actor;
        credential.RevokedAt = null;
        db.AuditEvents.Add(Audit(now, actor, "node_credential.issued", nodeId, $"Issued a snapshot-API token for node '{nodeId}'."));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/dataplane/nodes/{nodeId}/credential", new NodeCredentialResponse(nodeId, token, now));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RevokeAsync(string nodeId, HttpContext http, ControlPlaneDbContext db, IOptions<NodeAuthOptions> nodes, TimeProvider time, CancellationToken ct)
    {
        if (!NodeIds.IsValid(nodeId))
        {
            return InvalidNodeId();
        }

        var credential = await db.NodeCredentials.FirstOrDefaultAsync(c => c.NodeId == nodeId, ct);
        if (credential is { TokenHash: null } || (credential is null && !nodes.Value.Credentials.ContainsKey(nodeId)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "The node has no credential to revoke.");
        }

        var now = time.GetUtcNow();
        var actor = Actor(http);
        if (credential is null)
        {
            // A configured token: a revoked row overrides it.
            credential = new NodeCredential { NodeId = nodeId, IssuedBy = actor, IssuedAt = now };
            db.NodeCredentials.Add(credential);
        }

        credential.TokenHash = null;
        credential.RevokedAt = now;
        db.AuditEvents.Add(Audit(now, actor, "node_credential.revoked", nodeId, $"Revoked the snapshot-API token of node '{nodeId}'."));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static ValidationProblem InvalidNodeId()
    {
        var errors = new ValidationErrors();
        errors.Add("nodeId", $"The node id is {NodeIds.Rule}.");
        return errors.ToResult();
    }

    private static string Actor(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "system";

    private static AuditEvent Audit(DateTimeOffset now, string actor, string action, string nodeId, string summary) => new()
    {
        Id = Guid.CreateVersion7(),
        At = now,
        Actor = actor,
        Action = action,
        Target = $"node/{nodeId}",
        Summary = summary,
    };
}
