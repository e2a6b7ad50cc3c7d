using InferenceGateway.ControlPlane.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddControlPlane();

var app = builder.Build();
app.UseControlPlane();
app.MapControlPlane();
app.Run();
