using System.Net;
using System.Text.RegularExpressions;
using InferenceGateway.ControlPlane.Features.Identity;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

/// <summary>
/// The role x tenant matrix over every admin route, read from the app's own endpoint data source: a route added
/// without a place in it (platform group, tenant group, or the short list of routes open to every caller) fails.
/// </summary>
public sealed partial class AdminRouteMatrixTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    /// <summary>Routes under /api/v1 outside both groups, each with the reason it may be.</summary>
    private static readonly Dictionary<string, string> OutsideGroups = new()
    {
        ["GET /api/v1/me"] = "every signed-in caller may ask who it is",
        ["POST /api/v1/invitations/accept"] = "the invitation token is the credential",
        ["GET /api/v1/dataplane/snapshot"] = "data-plane nodes, with their own policy",
        ["GET /api/v1/invoices/{invoiceId:guid}"] = "the handler checks the caller's membership of the invoice's tenant (InvoicesApiTests)",
        ["POST /api/v1/billing/stripe/webhook"] = "Stripe's signature is the credential (StripeSyncTests)",
    };

    private sealed record Route(string Method, string Pattern, Endpoint Endpoint)
    {
        public string Name => $"{Method} {Pattern}";

        public bool IsPlatform => Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == ControlPlaneHosting.PlatformAdminPolicy);

        public bool IsTenant => !IsPlatform && Pattern.StartsWith("/api/v1/tenants/{tenantId:guid}/", StringComparison.Ordinal);

        public IReadOnlyList<string> TenantRoles => Endpoint.Metadata.GetMetadata<TenantRolesMetadata>()?.Roles ?? ["tenant-admin"];
    }

    private IReadOnlyList<Route> AdminRoutes() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimEnd('/').StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => new Route(m, e.RoutePattern.RawText!.TrimEnd('/'), e)))
            .ToList();

    [Fact]
    public void EveryAdminRoute_IsInTheMatrix()
    {
        var routes = AdminRoutes();
        Assert.NotEmpty(routes);
        var unplaced = routes.Where(r => !r.IsPlatform && !r.IsTenant && !OutsideGroups.ContainsKey(r.Name)).Select(r => r.Name).ToList();
        Assert.True(unplaced.Count == 0, "Admin routes without a place in the role matrix: " + string.Join(", ", unplaced));
        Assert.Contains(routes, r => r.IsTenant);
        Assert.Contains(routes, r => r.IsPlatform);
    }

    [Fact]
    public async Task EveryRoute_RefusesAnonymous_Outsiders_AndRolesItDoesNotAdmit()
    {
        var admin = app.Admin();
        var (tenant, _) = await admin.CreateTenantAsync();
        var (other, _) = await admin.CreateTenantAsync();
        var (_, _, outsider) = await app.MemberAsync(other, "tenant-admin");
        var (_, _, finance) = await app.MemberAsync(tenant, "finance");
        var (_, _, developer) = await app.MemberAsync(tenant, "developer");
        var (_, _, tenantAdmin) = await app.MemberAsync(tenant, "tenant-admin");
        var anonymous = app.CreateClient();
        var failures = new List<string>();

        foreach (var route in AdminRoutes().Where(r => !OutsideGroups.ContainsKey(r.Name)))
        {
            var url = RouteParameter().Replace(route.Pattern, m => m.Groups[1].Value == "tenantId" ? tenant : Guid.NewGuid().ToString());
            async Task Expect(HttpClient client, string who, HttpStatusCode expected)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
                if (route.Method is "POST" or "PATCH" or "PUT")
                {
                    request.Content = Api.Json("{}");
                }

                var response = await client.SendAsync(request);
                if (response.StatusCode != expected)
                {
                    failures.Add($"{route.Name} as {who}: expected {(int)expected}, got {(int)response.StatusCode}");
                }
            }

            // An admitted role reaches the handler: no 401 or 403, and no 404 from the membership filter (the handler's
            // own 404 names the object it did not find, never the tenant, which exists).
            async Task ExpectAdmitted(HttpClient client, string who)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
                if (route.Method is "POST" or "PATCH" or "PUT")
                {
                    request.Content = Api.Json("{}");
                }

                var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    || (response.StatusCode == HttpStatusCode.NotFound && body.Contains("No tenant with that id", StringComparison.Ordinal)))
                {
                    failures.Add($"{route.Name} as {who}: the role is admitted, got {(int)response.StatusCode}");
                }
            }

            await Expect(anonymous, "anonymous", HttpStatusCode.Unauthorized);
            if (route.IsPlatform)
            {
                await Expect(outsider, "a tenant admin", HttpStatusCode.Forbidden);
                await Expect(developer, "a developer", HttpStatusCode.Forbidden);
            }
            else
            {
                await Expect(outsider, "another tenant's admin", HttpStatusCode.NotFound);
                foreach (var (client, role) in new[] { (finance, "finance"), (developer, "developer"), (tenantAdmin, "tenant-admin") })
                {
                    if (!route.TenantRoles.Contains(role))
                    {
                        await Expect(client, role, HttpStatusCode.Forbidden);
                    }
                    else
                    {
                        await ExpectAdmitted(client, role);
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task RoutesOutsideTheGroups_RefuseCallersTheyAreNotFor()
    {
        var (tenant, _) = await app.Admin().CreateTenantAsync();
        var (_, _, tenantAdmin) = await app.MemberAsync(tenant, "tenant-admin");
        var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenantAdmin.GetAsync("/api/v1/me")).StatusCode);

        // The snapshot holds every tenant's configuration: only node credentials open it, not admin tokens.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/dataplane/snapshot")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenantAdmin.GetAsync("/api/v1/dataplane/snapshot")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Admin().GetAsync("/api/v1/dataplane/snapshot")).StatusCode);

        // An invoice by id: signed-in callers only, and an id the caller's tenants do not hold is a 404.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/invoices/{Guid.NewGuid()}")).StatusCode);
        await (await tenantAdmin.GetAsync($"/api/v1/invoices/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound);

        // Without a webhook secret configured there is no Stripe webhook to call.
        await (await anonymous.PostAsync("/api/v1/billing/stripe/webhook", Api.Json("{}"))).ProblemAsync(HttpStatusCode.NotFound);

        // Accepting an invitation needs no sign-in (the token is the credential) and refuses a made-up token.
        var accept = await anonymous.PostAsync("/api/v1/invitations/accept", Api.Json("""{"token":"igwinv_made-up","password":"x"}"""));
        await accept.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[a-z]+)?\}")]
    private static partial Regex RouteParameter();
}
