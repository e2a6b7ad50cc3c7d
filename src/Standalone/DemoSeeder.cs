using System.Net.Http.Headers;
using InferenceGateway.Contracts.Admin;
using InferenceGateway.ControlPlane.Client;
using Microsoft.Extensions.Options;

namespace InferenceGateway.Standalone;

/// <summary>
/// On first start, creates the demo through the control plane's own admin API and the typed client the portal uses (so it takes the same path as
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
    private static readonly ImageRulesRequest VisionImageRules = new(["png", "jpeg"], 1 << 20, 4096, 4096, 4096L * 4096, 1, ["image"]);

    private static readonly OutputHardeningRequest VisionOutputHardening = new("scores", null, 2, 2, null, null);

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
        catch (Exception ex) when (ex is ControlPlaneApiException or HttpRequestException or InvalidOperationException or IOException)
        {
            LogSeedFailed(logger, ex.Message);
        }
    }

    private async Task<bool> TenantExistsAsync(StandaloneFacts facts, CancellationToken cancellationToken)
    {
        using var http = AdminHttp();
        try
        {
            await new ControlPlaneApi(http).GetTenantAsync(Guid.Parse(facts.TenantId), cancellationToken);
            return true;
        }
        catch (ControlPlaneApiException ex) when (ex.IsNotFound)
        {
            return false;
        }
    }

    /// <summary>A later start may use other ports: keep the demo endpoint and standalone.json pointing at this start's.</summary>
    private async Task<StandaloneFacts> RefreshAsync(StandaloneFacts facts, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var http = AdminHttp();
        var admin = new ControlPlaneApi(http);
        var tenantId = Guid.Parse(facts.TenantId);
        var endpoints = (await admin.ListEndpointsAsync(tenantId, 1, 200, cancellationToken)).Items;
        foreach (var endpoint in endpoints.Where(e => e.Model is Model or VisionModel && e.BaseUrl != o.Url(o.SampleModelPort)))
        {
            await admin.UpdateEndpointAsync(tenantId, endpoint.Id, new UpdateModelEndpointRequest { BaseUrl = new(true, o.Url(o.SampleModelPort)) }, cancellationToken);
        }

        await EnsureVisionAsync(admin, tenantId, endpoints, cancellationToken);

        var gateway = o.Url(o.GatewayPort);
        return facts with
        {
            Accounts = facts.Accounts is { } accounts
                ? accounts with { TokenUrl = $"{o.Url(o.ControlPlanePort)}/connect/token" }
                : await SeedAccountsAsync(admin, tenantId, cancellationToken),
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

    /// <summary>The control plane's admin API with the bootstrap token, for the typed client every other caller uses too.</summary>
    private HttpClient AdminHttp()
    {
        var o = options.Value;
        return BearerTokenHandler.CreateClient(o.Url(o.ControlPlanePort), secrets.AdminToken);
    }

    private async Task<StandaloneFacts> SeedAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var http = AdminHttp();
        var admin = new ControlPlaneApi(http);

        var plan = (await admin.ListPlansAsync(1, 200, cancellationToken)).Items.FirstOrDefault(p => p.Name == "Standalone")
            ?? await admin.CreatePlanAsync(new PlanRequest
            {
                Name = new(true, "Standalone"),
                Description = new(true, "The plan of the demo tenant in standalone mode."),
                Limits = new PlanLimitsRequest
                {
                    RequestsPerSecondPerKey = new(true, 20), BurstPerKey = new(true, 40),
                    RequestsPerSecondPerTenant = new(true, 100), BurstPerTenant = new(true, 200), MaxRequestBodyBytes = new(true, 1 << 20),
                },
            }, cancellationToken);

        var tenant = (await admin.ListTenantsAsync(null, 1, 200, cancellationToken)).Items.FirstOrDefault(t => t.Slug == Tenant)
            ?? await admin.CreateTenantAsync(new CreateTenantRequest(Tenant, "Demo tenant", plan.Id), cancellationToken);
        var tenantId = tenant.Id;

        var endpoints = (await admin.ListEndpointsAsync(tenantId, 1, 200, cancellationToken)).Items;
        if (!endpoints.Any(e => e.Model == Model))
        {
            await admin.CreateEndpointAsync(tenantId, new CreateModelEndpointRequest(Model, o.Url(o.SampleModelPort), null, 60, null), cancellationToken);
        }

        await EnsureVisionAsync(admin, tenantId, endpoints, cancellationToken);

        var key = await admin.CreateApiKeyAsync(tenantId, new CreateApiKeyRequest("demo key", null, null), cancellationToken);
        var gateway = o.Url(o.GatewayPort);
        return new StandaloneFacts(
            ControlPlaneUrl: o.Url(o.ControlPlanePort),
            GatewayUrl: gateway,
            SampleModelUrl: o.Url(o.SampleModelPort),
            ApiReferenceUrl: $"{o.Url(o.ControlPlanePort)}/api-reference",
            PortalUrl: o.Url(o.PortalPort),
            AdminTokenFile: data.AdminTokenFile,
            Tenant: Tenant,
            TenantId: tenantId.ToString(),
            Model: Model,
            ApiKey: key.Key,
            ApiKeyId: key.ApiKey.Id.ToString(),
            ChatCompletionsUrl: $"{gateway}/t/{Tenant}/{Model}/v1/chat/completions",
            OpenAIBaseUrl: $"{gateway}/t/{Tenant}/{Model}/v1",
            ImageClassifyUrl: $"{gateway}/t/{Tenant}/{VisionModel}/v1/images/classify",
            Accounts: await SeedAccountsAsync(admin, tenantId, cancellationToken));
    }

    /// <summary>
    /// The demo tenant's admin (invited and accepted through the API, with a generated password) and an OAuth
    /// client for the demo models. The platform admin comes from configuration (its password is in secrets.json).
    /// </summary>
    private async Task<StandaloneAccounts> SeedAccountsAsync(ControlPlaneApi admin, Guid tenantId, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var password = StandaloneData.NewSecret();
        var invitation = await admin.CreateInvitationAsync(tenantId, new CreateInvitationRequest(TenantAdminEmail, "tenant-admin"), cancellationToken);
        using (var anonymous = new HttpClient { BaseAddress = new Uri(o.Url(o.ControlPlanePort) + "/") })
        {
            await new ControlPlaneApi(anonymous).AcceptInvitationAsync(new AcceptInvitationRequest(invitation.Token, password), cancellationToken);
        }

        var client = await admin.CreateOAuthClientAsync(tenantId, new CreateOAuthClientRequest("demo client", [Model, VisionModel], null), cancellationToken);
        return new StandaloneAccounts(
            PlatformAdminEmail, secrets.AdminPassword!, TenantAdminEmail, password,
            client.Client.ClientId, client.ClientSecret, $"{o.Url(o.ControlPlanePort)}/connect/token");
    }

    /// <summary>The image classifier as its own endpoint, so its image rules and output hardening apply to it alone.</summary>
    private async Task EnsureVisionAsync(ControlPlaneApi admin, Guid tenantId, IReadOnlyList<ModelEndpointResponse> endpoints, CancellationToken cancellationToken)
    {
        if (endpoints.Any(e => e.Model == VisionModel))
        {
            return;
        }

        var o = options.Value;
        await admin.CreateEndpointAsync(
            tenantId,
            new CreateModelEndpointRequest(VisionModel, o.Url(o.SampleModelPort), null, 60, null, ImageRules: VisionImageRules, OutputHardening: VisionOutputHardening),
            cancellationToken);
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
