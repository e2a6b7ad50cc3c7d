using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace InferenceGateway.Standalone;

/// <summary>
/// On first start, creates the demo through the control plane's own admin API (so it takes the same path as
/// any operator's change: validation, audit, outbox, a config revision the node applies): a plan, the tenant
/// <c>demo</c>, the sample model as its endpoints <c>sample</c> (chat, text classifier) and <c>vision</c> (the image
/// classifier, with image rules and output hardening on), and one API key, printed once.
/// </summary>
internal sealed partial class DemoSeeder(
    IHostApplicationLifetime lifetime, StandaloneData data, StandaloneSecrets secrets, IOptions<StandaloneOptions> options, ILogger<DemoSeeder> logger)
    : IHostedService
{
    public const string Tenant = "demo";
    public const string Model = "sample";
    public const string VisionModel = "vision";
    public const string PlatformAdminEmail = "admin@standalone.test";
    public const string TenantAdminEmail = "demo-admin@standalone.test";

    /// <summary>
    /// The vision endpoint's rules: PNG or JPEG only, one image of at most 1 MiB and 4096 x 4096 pixels (the sample
    /// model's own limit), raw, multipart or base64 in the JSON field <c>image</c>; answers keep the top two labels,
    /// rounded to two decimals.
    /// </summary>
    private static readonly object VisionRules = new
    {
        imageRules = new
        {
            allowedTypes = new[] { "png", "jpeg" },
            maxEncodedBytes = 1 << 20,
            maxWidth = 4096,
            maxHeight = 4096,
            maxPixels = 4096L * 4096,
            maxImages = 1,
            jsonPaths = new[] { "image" },
        },
        outputHardening = new { scoresPath = "scores", topK = 2, scoreDecimals = 2 },
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(RunAsync, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync()
    {
        try
        {
            // Facts of a database that is gone (deleted, or replaced by another) describe nothing: seed afresh, so the
            // demo key printed is one the new database knows.
            var existing = data.ReadFacts();
            if (existing is not null && !await TenantExistsAsync(existing, lifetime.ApplicationStopping))
            {
                existing = null;
            }

            var facts = existing is null ? await SeedAsync(lifetime.ApplicationStopping) : await RefreshAsync(existing, lifetime.ApplicationStopping);
            await WaitUntilServedAsync(facts, lifetime.ApplicationStopping);
            data.WriteFacts(facts);

            Print(facts, firstStart: existing is null);
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
        {
            LogSeedFailed(logger, ex.Message);
        }
    }

    private async Task<bool> TenantExistsAsync(StandaloneFacts facts, CancellationToken cancellationToken)
    {
        using var admin = AdminClient();
        using var response = await admin.GetAsync($"/api/v1/tenants/{facts.TenantId}", cancellationToken);
        return response.StatusCode != System.Net.HttpStatusCode.NotFound;
    }

    /// <summary>A later start may use other ports: keep the demo endpoint and standalone.json pointing at this start's.</summary>
    private async Task<StandaloneFacts> RefreshAsync(StandaloneFacts facts, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var admin = AdminClient();
        var endpoints = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/tenants/{facts.TenantId}/endpoints", cancellationToken);
        foreach (var endpoint in endpoints!["items"]!.AsArray().Where(e => (string)e!["model"]! is Model or VisionModel))
        {
            if ((string)endpoint!["baseUrl"]! != o.Url(o.SampleModelPort))
            {
                using var response = await admin.PatchAsJsonAsync(
                    $"/api/v1/tenants/{facts.TenantId}/endpoints/{(string)endpoint["id"]!}", new { baseUrl = o.Url(o.SampleModelPort) }, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        }

        await EnsureVisionAsync(admin, facts.TenantId, endpoints, cancellationToken);

        var gateway = o.Url(o.GatewayPort);
        return facts with
        {
            Accounts = facts.Accounts is { } accounts
                ? accounts with { TokenUrl = $"{o.Url(o.ControlPlanePort)}/connect/token" }
                : await SeedAccountsAsync(admin, facts.TenantId, cancellationToken),
            ControlPlaneUrl = o.Url(o.ControlPlanePort),
            GatewayUrl = gateway,
            SampleModelUrl = o.Url(o.SampleModelPort),
            ApiReferenceUrl = $"{o.Url(o.ControlPlanePort)}/api-reference",
            PortalUrl = o.Url(o.PortalPort),
            ChatCompletionsUrl = $"{gateway}/t/{facts.Tenant}/{facts.Model}/v1/chat/completions",
            OpenAIBaseUrl = $"{gateway}/t/{facts.Tenant}/{facts.Model}/v1",
            ImageClassifyUrl = $"{gateway}/t/{facts.Tenant}/{VisionModel}/v1/images/classify",
        };
    }

    private HttpClient AdminClient()
    {
        var o = options.Value;
        var admin = new HttpClient { BaseAddress = new Uri(o.Url(o.ControlPlanePort)) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secrets.AdminToken);
        return admin;
    }

    private async Task<StandaloneFacts> SeedAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var admin = AdminClient();

        var plans = await admin.GetFromJsonAsync<JsonObject>("/api/v1/plans?pageSize=200", cancellationToken);
        var plan = plans!["items"]!.AsArray().FirstOrDefault(p => (string)p!["name"]! == "Standalone")
            ?? await PostAsync(admin, "/api/v1/plans", new
            {
                name = "Standalone",
                description = "The plan of the demo tenant in standalone mode.",
                limits = new { requestsPerSecondPerKey = 20, burstPerKey = 40, requestsPerSecondPerTenant = 100, burstPerTenant = 200, maxRequestBodyBytes = 1 << 20 },
            }, cancellationToken);

        var tenants = await admin.GetFromJsonAsync<JsonObject>("/api/v1/tenants?pageSize=200", cancellationToken);
        var tenant = tenants!["items"]!.AsArray().FirstOrDefault(t => (string)t!["slug"]! == Tenant)
            ?? await PostAsync(admin, "/api/v1/tenants", new { slug = Tenant, displayName = "Demo tenant", planId = (string)plan["id"]! }, cancellationToken);
        var tenantId = (string)tenant["id"]!;

        var endpoints = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/tenants/{tenantId}/endpoints", cancellationToken);
        if (!endpoints!["items"]!.AsArray().Any(e => (string)e!["model"]! == Model))
        {
            await PostAsync(admin, $"/api/v1/tenants/{tenantId}/endpoints", new { model = Model, baseUrl = o.Url(o.SampleModelPort), timeoutSeconds = 60 }, cancellationToken);
        }

        await EnsureVisionAsync(admin, tenantId, endpoints, cancellationToken);

        var key = await PostAsync(admin, $"/api/v1/tenants/{tenantId}/api-keys", new { name = "demo key" }, cancellationToken);
        var gateway = o.Url(o.GatewayPort);
        return new StandaloneFacts(
            ControlPlaneUrl: o.Url(o.ControlPlanePort),
            GatewayUrl: gateway,
            SampleModelUrl: o.Url(o.SampleModelPort),
            ApiReferenceUrl: $"{o.Url(o.ControlPlanePort)}/api-reference",
            PortalUrl: o.Url(o.PortalPort),
            AdminTokenFile: data.AdminTokenFile,
            Tenant: Tenant,
            TenantId: tenantId,
            Model: Model,
            ApiKey: (string)key["key"]!,
            ApiKeyId: (string)key["apiKey"]!["id"]!,
            ChatCompletionsUrl: $"{gateway}/t/{Tenant}/{Model}/v1/chat/completions",
            OpenAIBaseUrl: $"{gateway}/t/{Tenant}/{Model}/v1",
            ImageClassifyUrl: $"{gateway}/t/{Tenant}/{VisionModel}/v1/images/classify",
            Accounts: await SeedAccountsAsync(admin, tenantId, cancellationToken));
    }

    /// <summary>
    /// The demo tenant's admin (invited and accepted through the API, with a generated password) and an OAuth
    /// client for the demo models. The platform admin comes from configuration (its password is in secrets.json).
    /// </summary>
    private async Task<StandaloneAccounts> SeedAccountsAsync(HttpClient admin, string tenantId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var password = StandaloneData.NewSecret();
        var invitation = await PostAsync(admin, $"/api/v1/tenants/{tenantId}/invitations", new { email = TenantAdminEmail, role = "tenant-admin" }, cancellationToken);
        using (var anonymous = new HttpClient { BaseAddress = admin.BaseAddress })
        {
            await PostAsync(anonymous, "/api/v1/invitations/accept", new { token = (string)invitation["token"]!, password }, cancellationToken);
        }

        var client = await PostAsync(admin, $"/api/v1/tenants/{tenantId}/oauth-clients", new { name = "demo client", allowedModels = new[] { Model, VisionModel } }, cancellationToken);
        return new StandaloneAccounts(
            PlatformAdminEmail, secrets.AdminPassword!, TenantAdminEmail, password,
            (string)client["client"]!["clientId"]!, (string)client["clientSecret"]!, $"{o.Url(o.ControlPlanePort)}/connect/token");
    }

    /// <summary>The image classifier as its own endpoint, so its image rules and output hardening apply to it alone.</summary>
    private async Task EnsureVisionAsync(HttpClient admin, string tenantId, JsonObject endpoints, CancellationToken cancellationToken)
    {
        if (endpoints["items"]!.AsArray().Any(e => (string)e!["model"]! == VisionModel))
        {
            return;
        }

        var o = options.Value;
        var body = JsonSerializer.SerializeToNode(VisionRules, JsonSerializerOptions.Web)!.AsObject();
        body["model"] = VisionModel;
        body["baseUrl"] = o.Url(o.SampleModelPort);
        body["timeoutSeconds"] = 60;
        await PostAsync(admin, $"/api/v1/tenants/{tenantId}/endpoints", body, cancellationToken);
    }

    /// <summary>The printed command must work when it is printed: wait until the node serves the demo key.</summary>
    private static async Task WaitUntilServedAsync(StandaloneFacts facts, CancellationToken cancellationToken)
    {
        using var gateway = new HttpClient();
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", facts.ApiKey);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await gateway.GetAsync($"{facts.OpenAIBaseUrl}/models", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<JsonObject> PostAsync(HttpClient client, string url, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(url, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    private void Print(StandaloneFacts facts, bool firstStart)
    {
        var lines = new List<string>
        {
            string.Empty,
            "Inference gateway, standalone",
            $"  gateway (data plane)   {facts.GatewayUrl}",
            $"  control-plane API      {facts.ControlPlaneUrl}",
            $"  API reference          {facts.ApiReferenceUrl}",
            $"  portal                 {facts.PortalUrl} (sign in as {PlatformAdminEmail}; its password is in {data.FactsFile})",
            $"  sample model           {facts.SampleModelUrl}",
            $"  admin token            in {facts.AdminTokenFile}",
            $"  data                   {data.Directory}",
        };
        if (firstStart)
        {
            lines.Add(string.Empty);
            lines.Add($"Demo API key (shown once; also kept for scripts in {data.FactsFile}):");
            lines.Add($"  {facts.ApiKey}");
            lines.Add(string.Empty);
            lines.Add("Try it:");
            lines.Add($"  curl {facts.ChatCompletionsUrl} \\");
            lines.Add($"    -H 'Authorization: Bearer {facts.ApiKey}' -H 'Content-Type: application/json' \\");
            lines.Add("    -d '{\"model\":\"sample-trigram-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the weather\"}]}'");
            if (facts.Accounts is { } accounts)
            {
                lines.Add(string.Empty);
                lines.Add($"Accounts (shown once; kept in {data.FactsFile}):");
                lines.Add($"  platform admin         {accounts.PlatformAdminEmail} / {accounts.PlatformAdminPassword}");
                lines.Add($"  demo tenant admin      {accounts.TenantAdminEmail} / {accounts.TenantAdminPassword}");
                lines.Add($"  demo OAuth client      {accounts.OAuthClientId} / {accounts.OAuthClientSecret}");
                lines.Add($"  get a token:           curl {accounts.TokenUrl} -d grant_type=client_credentials -d client_id={accounts.OAuthClientId} -d client_secret=...");
            }

            lines.Add(string.Empty);
            lines.Add("Classify an image (PNG or JPEG, checked by the gateway's image rules):");
            lines.Add($"  curl {facts.ImageClassifyUrl} \\");
            lines.Add($"    -H 'Authorization: Bearer {facts.ApiKey}' -F file=@samples/SampleModel/Data/images/heldout/star/star-01.png");
        }
        else
        {
            lines.Add(string.Empty);
            lines.Add($"The demo tenant '{facts.Tenant}' and its key are in {data.FactsFile}.");
        }

        lines.Add(string.Empty);
        Console.Out.Write(string.Join(Environment.NewLine, lines) + Environment.NewLine);
        Console.Out.Flush();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Could not create the demo tenant: {Reason}")]
    private static partial void LogSeedFailed(ILogger logger, string reason);
}
