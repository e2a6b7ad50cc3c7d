using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using InferenceGateway.TestSupport;

namespace InferenceGateway.Standalone.Tests;

/// <summary>The one-command product: started as a user starts it, used as the quickstart says.</summary>
public sealed class StandaloneTests : IAsyncLifetime
{
    private readonly StandaloneProcess _standalone = new();

    public Task InitializeAsync() => _standalone.StartAsync();

    public async Task DisposeAsync() => await _standalone.DisposeAsync();

    private HttpClient Gateway(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri((string)_standalone.Facts["openAIBaseUrl"]! + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    [Fact]
    public async Task FirstStart_PrintsTheKeyOnce_AndTheQuickstartWorks_ThenRevocationIsEnforced()
    {
        var facts = _standalone.Facts;
        var key = (string)facts["apiKey"]!;
        Assert.Contains(key, _standalone.Output);
        Assert.Contains($"curl {facts["chatCompletionsUrl"]}", _standalone.Output);
        Assert.Equal($"http://127.0.0.1:{_standalone.GatewayPort}/t/demo/sample/v1", (string)facts["openAIBaseUrl"]!);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_standalone.DataDirectory, "standalone.json")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode((string)facts["adminTokenFile"]!));
        }

        var gateway = Gateway(key);

        // A real completion with usage.
        var completion = await gateway.PostAsJsonAsync("chat/completions", new
        {
            model = "sample-trigram-1",
            messages = new[] { new { role = "user", content = "Tell me about the weather" } },
            max_tokens = 30,
        });
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        var body = (await completion.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(string.IsNullOrWhiteSpace((string)body["choices"]![0]!["message"]!["content"]!));
        Assert.True((int)body["usage"]!["prompt_tokens"]! > 0);
        Assert.True((int)body["usage"]!["completion_tokens"]! > 0);

        // A streamed completion arrives as server-sent events through the gateway.
        using var streamRequest = new HttpRequestMessage(HttpMethod.Post, "chat/completions")
        {
            Content = JsonContent.Create(new { model = "sample-trigram-1", stream = true, max_tokens = 10, messages = new[] { new { role = "user", content = "Tell me about gateways" } } }),
        };
        using var stream = await gateway.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        var events = (await stream.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length > 3);
        Assert.Equal("data: [DONE]", events[^1].Trim());
        var text = new StringBuilder();
        foreach (var e in events[..^1])
        {
            text.Append((string?)JsonNode.Parse(e.Trim()["data: ".Length..])!["choices"]![0]!["delta"]!["content"]);
        }

        Assert.False(string.IsNullOrWhiteSpace(text.ToString()));

        // The classifier.
        var classify = await gateway.PostAsJsonAsync("classify", new { text = "What a wonderful, delightful day, I love it" });
        Assert.Equal(HttpStatusCode.OK, classify.StatusCode);
        Assert.Equal("positive", (string)(await classify.Content.ReadFromJsonAsync<JsonObject>())!["label"]!);

        // Revoked through the admin API: refused within a second.
        using var admin = new HttpClient { BaseAddress = new Uri((string)facts["controlPlaneUrl"]!) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText((string)facts["adminTokenFile"]!).Trim());
        var revoke = await admin.PostAsJsonAsync($"/api/v1/tenants/{facts["tenantId"]}/api-keys/{facts["apiKeyId"]}/revoke", new { });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = (await gateway.GetAsync("models")).StatusCode;
        }
        while (status != HttpStatusCode.Unauthorized && clock.Elapsed < TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task VisionModel_ClassifiesAnImageThroughTheGateway_WithImageRulesAndHardeningOn()
    {
        var facts = _standalone.Facts;
        var key = (string)facts["apiKey"]!;
        var url = (string)facts["imageClassifyUrl"]!;
        Assert.Equal($"http://127.0.0.1:{_standalone.GatewayPort}/t/demo/vision/v1/images/classify", url);
        Assert.Contains($"curl {url}", _standalone.Output);
        using var gateway = Gateway(key);
        var star = TestImages.HeldOut("star/star-01.png");

        // The quickstart's multipart upload: the top two labels, rounded to two decimals by the gateway.
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(star);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "star-01.png");
        using var classified = await gateway.PostAsync(url, form);
        Assert.Equal(HttpStatusCode.OK, classified.StatusCode);
        var body = (await classified.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("star", (string)body["label"]!);
        var scores = body["scores"]!.AsArray();
        Assert.Equal(2, scores.Count);
        Assert.Equal("star", (string)scores[0]!["label"]!);
        Assert.All(scores, s => Assert.Equal(Math.Round((double)s!["score"]!, 2), (double)s!["score"]!));

        // The JSON form, with a JPEG.
        var json = await gateway.PostAsJsonAsync(url, new { image = Convert.ToBase64String(TestImages.HeldOut("circle/circle-03.jpg")) });
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("circle", (string)(await json.Content.ReadFromJsonAsync<JsonObject>())!["label"]!);

        // A decompression bomb never reaches the model.
        var bomb = await gateway.PostAsJsonAsync(url, new { image = Convert.ToBase64String(TestImages.PngHeader(20_000, 20_000)) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.StatusCode);
        Assert.Equal("application/problem+json", bomb.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'maxWidth'", await bomb.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SecondStart_ReusesTheDataAndTheKey_AndPrintsNoNewKey()
    {
        var key = (string)_standalone.Facts["apiKey"]!;
        await _standalone.StopAsync();

        await _standalone.StartAsync();

        Assert.DoesNotContain(key, _standalone.Output);
        Assert.DoesNotContain("Demo API key", _standalone.Output);
        Assert.Equal(key, (string)_standalone.Facts["apiKey"]!);
        Assert.Equal(HttpStatusCode.OK, (await Gateway(key).GetAsync("models")).StatusCode);
        using var admin = new HttpClient { BaseAddress = new Uri((string)_standalone.Facts["controlPlaneUrl"]!) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText((string)_standalone.Facts["adminTokenFile"]!).Trim());
        var tenants = await admin.GetFromJsonAsync<JsonObject>("/api/v1/tenants");
        Assert.Equal(1, (int)tenants!["totalCount"]!);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api-reference")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/openapi/v1.json")).StatusCode);
        using var portal = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri((string)_standalone.Facts["portalUrl"]!) };
        var login = await portal.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("/login", login.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task FirstStart_SeedsAccountsAndAnOAuthClient_PrintedOnce_ThatWork()
    {
        var accounts = _standalone.Facts["accounts"]!.AsObject();
        var (clientId, secret) = ((string)accounts["oAuthClientId"]!, (string)accounts["oAuthClientSecret"]!);
        foreach (var value in new[] { (string)accounts["platformAdminPassword"]!, (string)accounts["tenantAdminPassword"]!, secret })
        {
            Assert.Equal(2, _standalone.Output.Split(value).Length);
        }

        // The demo client gets a token for the demo models from the control plane, as the README shows.
        using var http = new HttpClient();
        var response = await http.PostAsync((string)accounts["tokenUrl"]!, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        var token = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token: {token}");
        var claims = JsonNode.Parse(Base64UrlDecode(((string)token!["access_token"]!).Split('.')[1]))!;
        Assert.Equal((string)_standalone.Facts["tenantId"]!, (string)claims["tenant"]!);
        Assert.Equal(["model:sample", "model:vision"], ((string)claims["scope"]!).Split(' ').Order());
        Assert.StartsWith((string)_standalone.Facts["controlPlaneUrl"]!, (string)claims["iss"]!);

        // ...and calls a model through the node with it, like an API key.
        Assert.Equal(HttpStatusCode.OK, (await Gateway((string)token["access_token"]!).GetAsync("models")).StatusCode);

        // The seeded people can sign in (the form answers with a redirect, not the 400 of a failed sign-in).
        foreach (var (email, password) in new[] { ((string)accounts["platformAdminEmail"]!, (string)accounts["platformAdminPassword"]!), ((string)accounts["tenantAdminEmail"]!, (string)accounts["tenantAdminPassword"]!) })
        {
            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri((string)_standalone.Facts["controlPlaneUrl"]!) };
            var form = await browser.GetStringAsync("/account/login");
            var antiforgery = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]*)\"").Groups[1].Value;
            var login = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery), ["returnUrl"] = "", ["email"] = email, ["password"] = password,
            }));
            Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"{email}: {(int)login.StatusCode}");
        }
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    [Fact]
    public async Task RestartAfterTheDatabaseIsDeleted_RefusesTheOldKey_AndTheNewKeyWorks()
    {
        var oldKey = (string)_standalone.Facts["apiKey"]!;
        Assert.Equal(HttpStatusCode.OK, (await Gateway(oldKey).GetAsync("models")).StatusCode);
        await _standalone.StopAsync();

        // The node's last-known-good snapshot (which knows the old key) survives; the database does not.
        foreach (var file in Directory.GetFiles(_standalone.DataDirectory, "igw.db*"))
        {
            File.Delete(file);
        }

        Assert.NotEmpty(Directory.GetFiles(_standalone.DataDirectory, "snapshot.bin", SearchOption.AllDirectories));

        await _standalone.StartAsync();

        var newKey = (string)_standalone.Facts["apiKey"]!;
        Assert.NotEqual(oldKey, newKey);
        Assert.Contains(newKey, _standalone.Output);
        Assert.Equal(HttpStatusCode.OK, (await Gateway(newKey).GetAsync("models")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateway(oldKey).GetAsync("models")).StatusCode);
        using var admin = new HttpClient { BaseAddress = new Uri((string)_standalone.Facts["controlPlaneUrl"]!) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText((string)_standalone.Facts["adminTokenFile"]!).Trim());
        var clock = Stopwatch.StartNew();
        string? reset = null;
        while (reset is null && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var nodes = (await admin.GetFromJsonAsync<JsonObject>("/api/v1/dataplane/nodes"))!["nodes"]!.AsArray();
            reset = (string?)nodes.FirstOrDefault(n => (string)n!["nodeId"]! == "standalone")?["lastReset"];
            await Task.Delay(200);
        }

        Assert.Contains("another epoch", reset);
    }
}
