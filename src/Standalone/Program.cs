using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Messaging;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.Portal;
using InferenceGateway.SampleModel;
using InferenceGateway.ServiceDefaults;
using InferenceGateway.Standalone;

// One process, every part on its own port: control-plane API, a data-plane node, the portal and the sample model.
var builder = WebApplication.CreateBuilder(args);
var options = builder.Configuration.GetSection(StandaloneOptions.Section).Get<StandaloneOptions>() ?? new StandaloneOptions();
if (options.Validate().ToList() is { Count: > 0 } problems)
{
    Console.Error.WriteLine(string.Join(Environment.NewLine, problems));
    return 2;
}

var data = new StandaloneData(options.DataDirectory);
var secrets = data.LoadOrCreateSecrets();
builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = StandaloneSettings.For(options, data, secrets) });
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(options.Address, options.ControlPlanePort);
    k.Listen(options.Address, options.GatewayPort);
});
builder.Services.AddSingleton(data).AddSingleton(secrets).AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
builder.AddControlPlane();
builder.AddGatewayBus(new ControlPlaneBusPart(), builder.AddDataPlane());
builder.Services.AddHostedService<DemoSeeder>();

await using var sampleModel = SampleModelHost.Create([], b =>
{
    b.WebHost.UseUrls(options.Url(options.SampleModelPort));
    b.Logging.SetMinimumLevel(LogLevel.Warning);
});
await sampleModel.StartAsync();

await using var portal = PortalHost.Create([], b =>
{
    b.WebHost.UseUrls(options.Url(options.PortalPort));
    b.Configuration["Portal:ControlPlaneUrl"] = options.Url(options.ControlPlanePort);
    b.Configuration["Portal:GatewayUrl"] = options.Url(options.GatewayPort);
    b.Configuration["Portal:KeysDirectory"] = Path.Combine(data.Directory, "portal-keys");
    b.Configuration["Portal:MasterKey"] = secrets.MasterKey;
    b.Logging.SetMinimumLevel(LogLevel.Warning);
});
await portal.StartAsync();

var app = builder.Build();
app.MapWhen(c => c.Connection.LocalPort == options.GatewayPort, gateway => gateway.UseDataPlane());
app.UseRouting();
app.UseControlPlane();
app.MapControlPlane();
await app.RunAsync();
return 0;
