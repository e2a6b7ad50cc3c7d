using System.Reflection;
using System.Text.RegularExpressions;
using InferenceGateway.ControlPlane.Hosting;
using InferenceGateway.DataPlane.Hosting;
using InferenceGateway.Portal;
using InferenceGateway.ServiceDefaults;

namespace InferenceGateway.EndToEnd.Tests.Deployment;

/// <summary>
/// No Docker engine runs here, so the compose file cannot be started in CI; what can be checked is that every
/// setting it passes is one the services actually read (a renamed option would otherwise be ignored silently).
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly Dictionary<string, Type> Sections = new()
    {
        ["ControlPlane__Database"] = typeof(DatabaseOptions),
        ["ControlPlane__Admin"] = typeof(AdminOptions),
        ["ControlPlane__Nodes"] = typeof(NodeAuthOptions),
        ["ControlPlane__Endpoints"] = typeof(EndpointPolicyOptions),
        ["ControlPlane__DataProtection"] = typeof(MasterKeyOptions),
        ["ControlPlane__Identity"] = typeof(InferenceGateway.ControlPlane.Features.Identity.PlatformIdentityOptions),
        ["DataPlane"] = typeof(DataPlaneOptions),
        ["Portal"] = typeof(PortalOptions),
        ["Bus"] = typeof(BusOptions),
    };

    [Fact]
    public void EverySettingInTheComposeFile_IsAnOptionTheServicesRead()
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryRoot(), "docker-compose.yml"));
        var keys = SettingRegex().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Contains("DataPlane__SnapshotKey", keys);
        Assert.Contains("ControlPlane__Database__ConnectionString", keys);
        foreach (var key in keys)
        {
            var section = Sections.Keys.Where(s => key.StartsWith(s + "__", StringComparison.Ordinal)).MaxBy(s => s.Length);
            Assert.True(section is not null, $"{key} belongs to no known options section");
            var path = key[(section.Length + 2)..].Split("__");
            var type = Sections[section];
            var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property is not null, $"{key}: {type.Name} has no property {path[0]}");
            if (path.Length > 1)
            {
                Assert.True(int.TryParse(path[1], out _) && property.PropertyType.IsGenericType, $"{key}: only list indexes may follow {path[0]}");
            }
        }

        foreach (var service in new[] { "postgres", "rabbitmq", "redis", "control-plane", "data-plane-1", "data-plane-2", "portal", "sample-model" })
        {
            Assert.Matches($"(?m)^  {service}:", compose);
        }

        foreach (var dockerfile in DockerfileRegex().Matches(compose).Select(m => m.Groups[1].Value))
        {
            Assert.True(File.Exists(Path.Combine(RepositoryRoot(), dockerfile)), $"{dockerfile} is missing");
        }
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", ".."));

    [GeneratedRegex(@"(?m)^\s+((?:ControlPlane|DataPlane|Portal|Bus)__[A-Za-z0-9_]+):")]
    private static partial Regex SettingRegex();

    [GeneratedRegex(@"dockerfile:\s*([^\s}]+)")]
    private static partial Regex DockerfileRegex();
}
