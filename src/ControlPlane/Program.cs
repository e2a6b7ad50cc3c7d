using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.ControlPlane.Messaging;
using InferenceGateway.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddControlPlane();
builder.AddGatewayBus(new ControlPlaneBusPart());

var app = builder.Build();
app.UseControlPlane();
app.MapControlPlane();
app.Run();
