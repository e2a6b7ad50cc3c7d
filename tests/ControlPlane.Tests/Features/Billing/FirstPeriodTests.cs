using InferenceGateway.ControlPlane.Features.Billing;
using InferenceGateway.ControlPlane.Tests.Infrastructure;

namespace InferenceGateway.ControlPlane.Tests.Features.Billing;

/// <summary>Billing turned on in a deployment whose tenants already exist: invoices start at <c>FirstPeriod</c>.</summary>
public sealed class FirstPeriodControlPlaneApp : ControlPlaneApp
{
    internal BillingPeriod FirstPeriod => this.Month(1);

    protected override IEnumerable<(string Key, string Value)> Settings() => [("ControlPlane:Billing:FirstPeriod", FirstPeriod.Label)];
}

public sealed class FirstPeriodTests(FirstPeriodControlPlaneApp app) : IClassFixture<FirstPeriodControlPlaneApp>
{
    [Fact]
    public async Task Close_WritesNoInvoiceBeforeTheFirstPeriod()
    {
        var admin = app.Admin();
        var (tenant, _) = await admin.PricedTenantAsync();
        await app.BackdateTenantAsync(tenant, app.Month(4).Start);
        await app.AddUsageAsync(tenant, app.Month(3).Start.AddDays(1), requests2xx: 5000, input: 0, output: 0);
        await app.AddUsageAsync(tenant, app.Month(1).Start.AddDays(1), requests2xx: 2000, input: 0, output: 0);

        await app.CloseAsync();

        var invoices = (await admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invoices"))["items"]!.AsArray();
        Assert.Equal([app.FirstPeriod.Label], invoices.Select(i => (string)i!["period"]!));
        Assert.Equal(2000L, (long)invoices[0]!["lines"]![1]!["quantity"]!);
    }
}
