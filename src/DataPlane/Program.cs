using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.DataPlane.Pipeline;
using InferenceGateway.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
builder.AddGatewayBus(builder.AddDataPlane());

var app = builder.Build();
app.UseDataPlane();
app.Run();
