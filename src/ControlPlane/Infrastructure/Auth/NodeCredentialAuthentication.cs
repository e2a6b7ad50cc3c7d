using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using InferenceGateway.ControlPlane.Data;
using InferenceGateway.ControlPlane.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InferenceGateway.ControlPlane.Infrastructure.Auth;

/// <summary>
/// Authenticates a data-plane node: <c>X-Igw-Node-Id</c> names it and <c>Authorization: Bearer &lt;token&gt;</c> must be
/// that node's own token (issued through the admin API, or configured as <c>ControlPlane:Nodes:Credentials:&lt;id&gt;</c>).
/// A token authenticates only its node id, so one leaked token is revoked alone.
/// </summary>
internal sealed class NodeCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<NodeAuthOptions> nodes)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Role = "data-plane-node";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var nodeId = Request.Headers[NodeIds.NodeIdHeader].ToString();
        if (!NodeIds.IsValid(nodeId))
        {
            return AuthenticateResult.Fail("The node id is missing or not valid.");
        }

        var presented = BearerTokenHandler.HashToken(header["Bearer ".Length..]);
        var db = Context.RequestServices.GetRequiredService<ControlPlaneDbContext>();
        var issued = await db.NodeCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.NodeId == nodeId, Context.RequestAborted);
        byte[]? expected = issued is not null ? issued.TokenHash
            : nodes.Value.Credentials.TryGetValue(nodeId, out var configured) ? BearerTokenHandler.HashToken(configured)
            : null;

        // Compare even when there is nothing to compare with, so the time taken does not say whether the node id exists.
        var match = CryptographicOperations.FixedTimeEquals(presented, expected ?? new byte[presented.Length]) && expected is not null;
        if (!match)
        {
            return AuthenticateResult.Fail("The node token is not valid for this node id.");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, nodeId), new Claim(ClaimTypes.Role, Role)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = 401, Title = "Unauthorized", Detail = $"Send the node id as '{NodeIds.NodeIdHeader}' and that node's token as 'Authorization: Bearer <token>'." },
        });
    }
}
