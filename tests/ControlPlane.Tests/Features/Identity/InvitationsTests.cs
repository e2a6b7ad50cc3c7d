using System.Net;
using System.Net.Http.Json;
using InferenceGateway.ControlPlane.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace InferenceGateway.ControlPlane.Tests.Features.Identity;

public sealed class InvitationsTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();
    private readonly HttpClient _anonymous = app.CreateClient();

    [Fact]
    public async Task ListMembersAndInvitations_PageAndFilterOnTheServer()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        foreach (var (email, role) in new[] { ("a@example.com", "developer"), ("b@example.com", "finance"), ("c@example.com", "developer") })
        {
            var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/invitations", new { email = $"{Guid.NewGuid():N}-{email}", role });
            if (role == "developer")
            {
                await _anonymous.PostOkAsync("/api/v1/invitations/accept", new { token = (string)created["token"]!, password = Users.NewPassword() }, HttpStatusCode.OK);
            }
        }

        var developers = await _admin.GetJsonAsync($"/api/v1/tenants/{tenant}/members?role=developer&page=2&pageSize=1");
        Assert.Equal(2, (int)developers["totalCount"]!);
        Assert.Equal("developer", (string)developers["items"]![0]!["role"]!);
        Assert.Single(developers["items"]!.AsArray());

        var pending = await _admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invitations?state=pending");
        Assert.Equal(1, (int)pending["totalCount"]!);
        Assert.Equal("finance", (string)pending["items"]![0]!["role"]!);
        Assert.Equal(2, (int)(await _admin.GetJsonAsync($"/api/v1/tenants/{tenant}/invitations?state=accepted"))["totalCount"]!);

        var bad = await (await _admin.GetAsync($"/api/v1/tenants/{tenant}/members?role=owner&pageSize=0")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.Errors("role"));
        Assert.NotEmpty(bad.Errors("pageSize"));
        await (await _admin.GetAsync($"/api/v1/tenants/{tenant}/invitations?state=lost")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Invitation_TokenShownOnce_StoredHashed_AcceptedOnce()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var email = $"i-{Guid.NewGuid():N}@example.com";
        var created = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/invitations", new { email, role = "finance" });
        var token = (string)created["token"]!;
        Assert.StartsWith("igwinv_", token, StringComparison.Ordinal);

        var listed = await _admin.GetAsync($"/api/v1/tenants/{tenant}/invitations");
        Assert.DoesNotContain(token, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await app.WithDbAsync(db => db.Invitations.SingleAsync(i => i.Email == email));
        Assert.DoesNotContain(token, System.Text.Encoding.UTF8.GetString(stored.TokenHash), StringComparison.Ordinal);
        Assert.Equal(32, stored.TokenHash.Length);

        var weak = await (await _anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = "short" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(weak.Errors("password"));
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));

        var password = Users.NewPassword();
        await _anonymous.PostOkAsync("/api/v1/invitations/accept", new { token, password }, HttpStatusCode.OK);
        await (await _anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password })).ProblemAsync(HttpStatusCode.BadRequest);

        var client = await app.ClientForAsync(email, password);
        var me = await client.GetJsonAsync("/api/v1/me");
        Assert.Equal("finance", (string)me["tenants"]![0]!["role"]!);
    }

    [Fact]
    public async Task InvalidInvitation_GetsEveryError()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var problem = await (await _admin.PostAsJsonAsync($"/api/v1/tenants/{tenant}/invitations", new { email = "not-an-email", role = "platform-admin" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.Errors("email"));
        Assert.NotEmpty(problem.Errors("role"));
    }

    [Fact]
    public async Task WrongPasswords_LockTheAccount()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var (email, password, _) = await app.MemberAsync(tenant, "developer");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, await app.PostLoginAsync(email, "wrong-password-123"));
        }

        // The right password no longer works while the lockout lasts, and the answer is the same as for a wrong one.
        Assert.Equal(HttpStatusCode.BadRequest, await app.PostLoginAsync(email, password));
        Assert.Equal(HttpStatusCode.BadRequest, await app.PostLoginAsync($"nobody-{Guid.NewGuid():N}@example.com", password));
    }
}

/// <summary>Moves the clock past the invitation lifetime, so it has an app (and clock) of its own.</summary>
public sealed class ExpiredInvitationTests(ControlPlaneApp app) : IClassFixture<ControlPlaneApp>
{
    private readonly HttpClient _admin = app.Admin();
    private readonly HttpClient _anonymous = app.CreateClient();

    [Fact]
    public async Task ExpiredOrRevokedOrUnknownInvitation_IsRefused_AndCreatesNoUser()
    {
        var (tenant, _) = await _admin.CreateTenantAsync();
        var expiring = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/invitations", new { email = $"e-{Guid.NewGuid():N}@example.com", role = "developer" });
        var revoked = await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/invitations", new { email = $"r-{Guid.NewGuid():N}@example.com", role = "developer" });
        await _admin.PostOkAsync($"/api/v1/tenants/{tenant}/invitations/{revoked["invitation"]!["id"]}/revoke", new { }, HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromDays(8));
        foreach (var token in new[] { (string)expiring["token"]!, (string)revoked["token"]!, "igwinv_unknown", new string('x', 5000) })
        {
            await (await _anonymous.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = Users.NewPassword() })).ProblemAsync(HttpStatusCode.BadRequest);
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.TenantMemberships.CountAsync(m => m.TenantId == Guid.Parse(tenant))));
    }
}
