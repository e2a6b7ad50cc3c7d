namespace InferenceGateway.Standalone;

/// <summary>The configuration that makes the distributed parts run as one process: SQLite, the in-memory bus, local secrets.</summary>
internal static class StandaloneSettings
{
    public static Dictionary<string, string?> For(StandaloneOptions options, StandaloneData data, StandaloneSecrets secrets)
    {
        var v6 = options.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        // Every tenant may use (and share) the sample model; nothing else on this machine is reachable.
        var loopback = (v6 ? $"[{options.Host}/128]:{options.SampleModelPort}" : $"{options.Host}/32:{options.SampleModelPort}") + " tenants=*";
        return new Dictionary<string, string?>
        {
            ["ControlPlane:Database:Provider"] = "Sqlite",
            ["ControlPlane:Database:ConnectionString"] = $"Data Source={data.DatabaseFile}",
            ["ControlPlane:Admin:BootstrapTokenFile"] = data.AdminTokenFile,
            ["ControlPlane:Nodes:Credentials:standalone"] = secrets.NodeToken,
            ["ControlPlane:DataProtection:MasterKey"] = secrets.MasterKey,

            // Everything listens on this machine only, over plain HTTP.
            ["ControlPlane:Identity:RequireHttps"] = "false",
            ["ControlPlane:Identity:Issuer"] = options.Url(options.ControlPlanePort) + "/",
            ["ControlPlane:Identity:FirstAdmin:Email"] = DemoSeeder.PlatformAdminEmail,
            ["ControlPlane:Identity:FirstAdmin:Password"] = secrets.AdminPassword,

            // The portal signs users in at the control plane (authorization code + PKCE) and comes back here.
            ["ControlPlane:Identity:PortalRedirectUris:0"] = options.Url(options.PortalPort) + "/signin-oidc",
            ["ControlPlane:Identity:PortalPostLogoutRedirectUris:0"] = options.Url(options.PortalPort) + "/signout-callback-oidc",

            // The sample model listens on this machine: let registration and the node reach exactly that address and port.
            ["ControlPlane:Endpoints:AllowedPrivateNetworks:0"] = loopback,
            ["DataPlane:AllowedPrivateNetworks:0"] = loopback,
            ["DataPlane:NodeId"] = "standalone",
            ["DataPlane:ControlPlaneUrl"] = options.Url(options.ControlPlanePort),
            ["DataPlane:NodeToken"] = secrets.NodeToken,
            ["DataPlane:SnapshotKey"] = secrets.SnapshotKey,
            ["DataPlane:StateDirectory"] = data.NodeStateDirectory,
            ["DataPlane:HeartbeatInterval"] = "00:00:05",
            ["Bus:Transport"] = "InMemory",
        };
    }
}
