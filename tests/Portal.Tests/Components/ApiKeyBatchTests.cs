using Bunit;
using InferenceGateway.ControlPlane.Client;
using InferenceGateway.Portal.Components.Pages.Tenant;

namespace InferenceGateway.Portal.Tests.Components;

/// <summary>Batch creation as a user meets it: from the API keys page, through the form, to the secrets shown once.</summary>
public sealed class ApiKeyBatchTests : PortalTestContext
{
    private IRenderedComponent<ApiKeys> OpenBatch()
    {
        var page = Render<ApiKeys>(p => p.Add(x => x.TenantId, FakeControlPlaneApi.TenantId));
        page.WaitForAssertion(() => Button(page, "Create keys in a batch").Click());
        page.WaitForElement("#batch-keys");
        return page;
    }

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<ApiKeys> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Contains(text, StringComparison.Ordinal));

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public void CountOutOfRange_TheMessageIsNextToTheField_AndNothingIsAsked(string count)
    {
        var page = OpenBatch();
        page.Find("#batchPrefix").Change("customer");
        page.Find("#batchCount").Change(count);
        page.Find("#batch-keys").Submit();

        page.WaitForAssertion(() => Assert.Equal("A batch holds from 1 to 1000 keys.", page.Find("#batchCount-error").TextContent.Trim()));
        Assert.DoesNotContain(Api.Calls, c => c.StartsWith("CreateApiKeyBatchAsync", StringComparison.Ordinal));
    }

    [Fact]
    public void NoPrefix_TheMessageIsNextToTheField()
    {
        var page = OpenBatch();
        page.Find("#batch-keys").Submit();
        page.WaitForAssertion(() => Assert.Contains("The prefix is required", page.Find("#batchPrefix-error").TextContent));
        Assert.Empty(Api.Batches);
    }

    [Fact]
    public void Created_EachSecretIsShownOnce_WithTheDownload_AndTheRequestCarriesTheForm()
    {
        var page = OpenBatch();
        page.Find("#batchPrefix").Change("customer");
        page.Find("#batchCount").Change("3");
        page.Find("#batchModels").Change("gpt-4o, llama");
        page.Find("#batchExpiry").Change("2030-01-31");
        page.Find("#batch-keys").Submit();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=batch-secret]").Count));
        var secrets = page.FindAll("[data-testid=batch-secret]").Select(s => s.TextContent).ToList();
        Assert.Equal(["igw_batch_secret-0001", "igw_batch_secret-0002", "igw_batch_secret-0003"], secrets);
        foreach (var secret in secrets)
        {
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(page.Markup, secret));
        }

        Assert.Contains("shown this once", page.Markup);
        Assert.NotNull(Button(page, "Download CSV"));

        var sent = Assert.Single(Api.Batches).Keys!;
        Assert.Equal(["customer-0001", "customer-0002", "customer-0003"], sent.Select(k => k.Name));
        Assert.All(sent, k => Assert.Equal(["gpt-4o", "llama"], k.AllowedModels!));
        Assert.All(sent, k => Assert.Equal(new DateTimeOffset(2030, 1, 31, 0, 0, 0, TimeSpan.Zero), k.ExpiresAt));

        // The list shows the new keys (never their secrets) at once.
        Assert.Contains("customer-0002", page.Find("table").TextContent);
    }

    [Fact]
    public void Download_HandsTheBrowserACsvOfTheSecrets()
    {
        var page = OpenBatch();
        page.Find("#batchPrefix").Change("customer");
        page.Find("#batchCount").Change("2");
        page.Find("#batch-keys").Submit();
        page.WaitForAssertion(() => Button(page, "Download CSV").Click());

        var download = JSInterop.Invocations.Single(i => i.Identifier == "igwPortal.download");
        Assert.StartsWith("api-keys-customer-", (string)download.Arguments[0]!, StringComparison.Ordinal);
        Assert.Equal("text/csv", download.Arguments[1]);
        var lines = ((string)download.Arguments[2]!).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ApiKeyCsv.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("customer-0001,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",igw_batch_secret-0002,", lines[2], StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Contains("The browser was handed the file", page.Markup));
    }

    [Fact]
    public void Closing_ForgetsTheSecrets_AndOpeningAgainShowsAnEmptyForm()
    {
        var page = OpenBatch();
        page.Find("#batchPrefix").Change("customer");
        page.Find("#batchCount").Change("2");
        page.Find("#batch-keys").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=batch-secret]").Count));

        Button(page, "Close and forget the secrets").Click();
        Assert.DoesNotContain("igw_batch_secret", page.Markup);
        Assert.Contains("customer-0001", page.Markup);

        Button(page, "Create keys in a batch").Click();
        Assert.DoesNotContain("igw_batch_secret", page.Markup);
        Assert.Equal(string.Empty, page.Find("#batchPrefix").GetAttribute("value") ?? string.Empty);
    }

    [Fact]
    public void ApiRefusesItems_OneReadableMessagePerField_NotOnePerKey()
    {
        Api.CreateFailure = new ControlPlaneApiException(400, "One or more validation errors occurred.", null, new Dictionary<string, string[]>
        {
            ["keys[0].expiresAt"] = ["The expiry is in the future and at most 10 years away."],
            ["keys[1].expiresAt"] = ["The expiry is in the future and at most 10 years away."],
            ["keys[0].allowedModels"] = ["A model name has 1 to 200 characters."],
        });
        var page = OpenBatch();
        page.Find("#batchPrefix").Change("customer");
        page.Find("#batchCount").Change("2");
        page.Find("#batch-keys").Submit();

        page.WaitForAssertion(() => Assert.Equal("The expiry is in the future and at most 10 years away.", page.Find("#batchExpiry-error").TextContent.Trim()));
        Assert.Equal("A model name has 1 to 200 characters.", page.Find("#batchModels-error").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=batch-secret]"));
    }

    [Fact]
    public void ApiFails_TheProblemIsShownReadably()
    {
        Api.CreateFailure = new ControlPlaneApiException(403, "Your role does not allow this", "Only the tenant's admins and developers issue keys.");
        var page = OpenBatch();
        page.Find("#batchPrefix").Change("customer");
        page.Find("#batch-keys").Submit();

        page.WaitForAssertion(() => Assert.Contains(
            "Your role does not allow this: Only the tenant's admins and developers issue keys.", page.Find("#batch-keys [role=alert]").TextContent));
        Assert.DoesNotContain("Exception", page.Markup);
    }
}
