using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Features;

/// <summary>
/// Canary secrets go through every operation that touches them; afterwards they must appear nowhere: not in a
/// response after creation, not in the audit log, not in any log line, not in clear text in the database.
/// </summary>
public sealed class SecretHygieneTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();

    [Fact]
    public async Task CanarySecrets_NeverAppearInResponsesAuditLogsOrClearTextStorage()
    {
        var credentialCanary = $"canary-credential-{Guid.NewGuid():N}";
        var bodies = new List<string>();
        async Task<string> Read(HttpResponseMessage r)
        {
            var body = await r.Content.ReadAsStringAsync();
            bodies.Add(body);
            return body;
        }

        var (tenantId, _) = await _admin.CreateTenantAsync();
        var created = System.Text.Json.Nodes.JsonNode.Parse(await Read(await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = "canary" })))!;
        var keyId = (string)created["apiKey"]!["id"]!;
        var firstSecret = (string)created["key"]!;
        var rotated = System.Text.Json.Nodes.JsonNode.Parse(await Read(await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/api-keys/{keyId}/rotate", new { gracePeriodSeconds = 60 })))!;
        var secondSecret = (string)rotated["key"]!;
        var creationResponses = bodies.Count;

        var endpoint = System.Text.Json.Nodes.JsonNode.Parse(await Read(await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new
        {
            model = "canary",
            baseUrl = "https://api.example.com/v1",
            upstreamCredential = new { headerName = "Authorization", value = $"Bearer {credentialCanary}" },
        })))!;
        var endpointUrl = $"/api/v1/tenants/{tenantId}/endpoints/{endpoint["id"]}";
        await Read(await _admin.PatchAsJsonAsync(endpointUrl, new { upstreamCredential = new { headerName = "X-Api-Key", value = credentialCanary + "-2" } }));

        // Invalid requests that carry the secrets must not echo them either.
        await Read(await _admin.PatchAsJsonAsync(endpointUrl, new { upstreamCredential = new { headerName = "Cookie", value = credentialCanary } }));
        await Read(await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenantId}/endpoints", new { model = "Bad Model", baseUrl = "http://127.0.0.1", upstreamCredential = new { headerName = "Authorization", value = credentialCanary + "\n" } }));
        await Read(await _admin.PostAsync($"/api/v1/tenants/{tenantId}/api-keys", Api.Json($"{{\"name\": \"{firstSecret}\", \"bogus\": \"{secondSecret}\"}}")));
        await Read(await _admin.PostAsync("/api/v1/plans", Api.Json($"{{\"name\": {credentialCanary}}}")));

        foreach (var url in new[]
        {
            endpointUrl, $"/api/v1/tenants/{tenantId}/endpoints", $"/api/v1/tenants/{tenantId}/api-keys", $"/api/v1/tenants/{tenantId}/api-keys/{keyId}",
            $"/api/v1/tenants/{tenantId}/audit?pageSize=200", "/api/v1/audit?pageSize=200",
        })
        {
            await Read(await _admin.GetAsync(url));
        }

        var secrets = new[] { credentialCanary, firstSecret, secondSecret, firstSecret[^49..^6], secondSecret[^49..^6] };
        foreach (var (body, index) in bodies.Select((b, i) => (b, i)))
        {
            foreach (var secret in secrets)
            {
                // The creation and rotation responses are the one place a key secret is shown.
                if (index < creationResponses && (secret.Contains(firstSecret[^49..^6]) || secret.Contains(secondSecret[^49..^6])))
                {
                    continue;
                }

                Assert.DoesNotContain(secret, body);
            }
        }

        foreach (var secret in secrets)
        {
            var leaked = app.Logs.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(leaked is null, $"a log line holds a secret: {leaked}");
        }

        Assert.NotEmpty(app.Logs.Lines);
        var audit = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(a => a.TenantId == Guid.Parse(tenantId)).ToListAsync());
        Assert.NotEmpty(audit);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(audit, a => a.Summary.Contains(secret) || a.Target.Contains(secret));
        }

        var dump = await app.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            var text = new System.Text.StringBuilder();
            foreach (var table in new[] { "ApiKeys", "ModelEndpoints", "AuditEvents", "ConfigRevisions", "OutboxMessages" })
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{table}\" t";
                text.AppendLine((string)(await command.ExecuteScalarAsync())!);
            }

            return text.ToString();
        });
        Assert.Contains("canary", dump); // the dump did read the rows
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, dump);
        }
    }
}
