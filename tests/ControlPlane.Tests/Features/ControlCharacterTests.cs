using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Infrastructure;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>Control characters in admin input: the table is generated from the app's own endpoints, so a new route is covered.</summary>
public sealed class ControlCharacterTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task EveryStringOfEveryAdminBodyAndQuery_RefusesAControlCharacter_WithA400NamingTheField_AndChangesNothing()
    {
        var routes = AdminRoutes(app);
        var table = routes.Where(r => r.Body is not null).SelectMany(r => StringFields(r.Body!, string.Empty, 0).Select(f => (r.Method, r.Route, Field: f))).ToList();
        Assert.True(table.Count >= 15, $"only {table.Count} body strings found");
        var before = await CountRowsAsync();
        var failures = new List<string>();
        foreach (var (method, route, field) in table)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(route)) { Content = Api.Json(BodyWith(field, "bad\u0000value").ToJsonString()) };
            var response = await _admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var errors = response.StatusCode == HttpStatusCode.BadRequest ? string.Join(" ", JsonNode.Parse(text)?["errors"]?[field]?.AsArray().Select(e => (string?)e) ?? []) : null;
            if (errors?.Contains("U+0000", StringComparison.Ordinal) != true)
            {
                failures.Add($"{method} {route} {field}: {(int)response.StatusCode} {text}");
            }
        }

        foreach (var route in routes.Where(r => r.Method == "GET").Select(r => r.Route))
        {
            var response = await _admin.GetAsync($"{Fill(route)}?search=a%01b");
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || JsonNode.Parse(text)?["errors"]?["search"] is null)
            {
                failures.Add($"GET {route}?search: {(int)response.StatusCode} {text}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Theory]
    [InlineData("\u001f")]
    [InlineData("\u007f")]
    [InlineData("\ud800")]
    [InlineData("\udc00x")]
    [InlineData("\t")]
    public async Task ASlug_RefusesEveryControlCharacter_AndTab(string bad)
    {
        var plan = await _admin.CreatePlanAsync();
        var body = JsonSerializer.Serialize(new { slug = $"acme{bad}", displayName = "Acme", planId = plan.Id() });

        var response = await _admin.PostAsync("/api/v1/tenants", Api.Json(body));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("slug"));
    }

    [Fact]
    public async Task FreeText_AcceptsATab_ButNotANewline()
    {
        var plan = await _admin.CreatePlanAsync();

        var tab = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug = $"tab{Guid.NewGuid():N}"[..20], displayName = "Acme\tCorp", planId = plan.Id() });
        var newline = await _admin.PostAsJsonAsync("/api/v1/tenants", new { slug = $"nl{Guid.NewGuid():N}"[..20], displayName = "Acme\nCorp", planId = plan.Id() });

        Assert.Equal(HttpStatusCode.Created, tab.StatusCode);
        Assert.NotEmpty((await newline.ProblemAsync(HttpStatusCode.BadRequest)).Errors("displayName"));
    }

    [Fact]
    public void PostgresCharacterNotInRepertoire_MapsToBadRequest()
    {
        var inner = new PostgresException("invalid byte sequence", "ERROR", "ERROR", PostgresErrorCodes.CharacterNotInRepertoire);

        Assert.True(ProblemExceptionHandler.IsBadCharacter(new DbUpdateException("save failed", inner)));
        Assert.False(ProblemExceptionHandler.IsBadCharacter(new DbUpdateException("save failed", new InvalidOperationException())));
    }

    private async Task<int> CountRowsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InferenceGateway.ControlPlane.Data.ControlPlaneDbContext>();
        return await db.Tenants.CountAsync() + await db.Plans.CountAsync() + await db.ModelEndpoints.CountAsync() + await db.ApiKeys.CountAsync() + await db.AuditEvents.CountAsync();
    }

    private static List<(string Method, string Route, Type? Body)> AdminRoutes(ControlPlaneApp host)
    {
        var routes = new List<(string, string, Type?)>();
        foreach (var endpoint in host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var admin = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == ControlPlaneHosting.PlatformAdminPolicy);
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            if (!admin || endpoint.RoutePattern.RawText is not { } pattern)
            {
                continue;
            }

            var body = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            foreach (var method in methods)
            {
                routes.Add((method, pattern, body));
            }
        }

        Assert.NotEmpty(routes);
        return routes;
    }

    /// <summary>JSON paths of the string leaves of a request type, as the API names them in errors.</summary>
    private static IEnumerable<string> StringFields(Type type, string path, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = (path.Length == 0 ? string.Empty : path + ".") + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var t = Unwrap(property.PropertyType);
            if (t == typeof(string))
            {
                yield return name;
            }
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) && t.GetGenericArguments()[0] == typeof(string))
            {
                yield return name + "[0]";
            }
            else if (depth < 3 && t.Namespace?.StartsWith("InferenceGateway", StringComparison.Ordinal) == true && t.IsClass)
            {
                foreach (var inner in StringFields(t, name, depth + 1))
                {
                    yield return inner;
                }
            }
        }
    }

    private static Type Unwrap(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>))
        {
            type = type.GetGenericArguments()[0];
        }

        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static JsonObject BodyWith(string field, string value)
    {
        var root = new JsonObject();
        var node = root;
        var parts = field.Split('.');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var child = new JsonObject();
            node[parts[i]] = child;
            node = child;
        }

        var last = parts[^1];
        if (last.EndsWith("[0]", StringComparison.Ordinal))
        {
            node[last[..^3]] = new JsonArray(value);
        }
        else
        {
            node[last] = value;
        }

        return root;
    }

    private static string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "\\{([^}:]+)(:guid)?\\}", m => m.Groups[2].Success ? Guid.NewGuid().ToString() : "x");
}
