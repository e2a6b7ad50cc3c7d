using InferenceGateway.ControlPlane.Data.Billing;
using InferenceGateway.ControlPlane.Data.Identity;
using InferenceGateway.ControlPlane.Data.Usage;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace InferenceGateway.ControlPlane.Data;

/// <summary>
/// The control plane's state. One model, two providers: PostgreSQL in the distributed mode and SQLite in
/// standalone mode, each with its own migration set (see the derived contexts). Users and roles are ASP.NET Core
/// Identity's tables; OAuth applications, authorizations and tokens are OpenIddict's.
/// </summary>
internal abstract class ControlPlaneDbContext(DbContextOptions options)
    : IdentityDbContext<User, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Plan> Plans => Set<Plan>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<ModelEndpoint> ModelEndpoints => Set<ModelEndpoint>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<ConfigState> ConfigState => Set<ConfigState>();

    public DbSet<ConfigRevision> ConfigRevisions => Set<ConfigRevision>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<DataPlaneNode> DataPlaneNodes => Set<DataPlaneNode>();

    public DbSet<Block> Blocks => Set<Block>();

    public DbSet<NodeCredential> NodeCredentials => Set<NodeCredential>();

    public DbSet<ConfigSigningKey> ConfigSigningKeys => Set<ConfigSigningKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<TenantMembership> TenantMemberships => Set<TenantMembership>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<OAuthClient> OAuthClients => Set<OAuthClient>();

    public DbSet<UsageAggregate> UsageAggregates => Set<UsageAggregate>();

    public DbSet<ProcessedUsageBatch> ProcessedUsageBatches => Set<ProcessedUsageBatch>();

    public DbSet<Invoice> Invoices => Set<Invoice>();

    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();

    public DbSet<BillingCustomer> BillingCustomers => Set<BillingCustomer>();
    public DbSet<ExternalIssuer> ExternalIssuers => Set<ExternalIssuer>();

    /// <summary>Whether this context talks to SQLite (standalone mode).</summary>
    public abstract bool IsSqlite { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict<Guid>();
        modelBuilder.ApplyConfiguration(new TenantMembershipConfiguration());
        modelBuilder.ApplyConfiguration(new InvitationConfiguration());
        modelBuilder.ApplyConfiguration(new SigningKeyConfiguration());
        modelBuilder.ApplyConfiguration(new OAuthClientConfiguration());
        modelBuilder.ApplyConfiguration(new UsageAggregateConfiguration());
        modelBuilder.ApplyConfiguration(new ProcessedUsageBatchConfiguration());
        modelBuilder.ApplyConfiguration(new InvoiceConfiguration());
        modelBuilder.ApplyConfiguration(new InvoiceLineConfiguration());
        modelBuilder.ApplyConfiguration(new BillingCustomerConfiguration());
        modelBuilder.ApplyConfiguration(new ExternalIssuerConfiguration());

        modelBuilder.Entity<Plan>(e =>
        {
            e.HasIndex(p => p.Name).IsUnique();
            e.Property(p => p.Name).HasMaxLength(100);
            e.Property(p => p.Description).HasMaxLength(1000);
            e.Property(p => p.Currency).HasMaxLength(3);
            e.Property(p => p.QuotaEnforcement).HasConversion<string>().HasMaxLength(10);
            e.Property(p => p.RateLimitScopePerKey).HasConversion<string>().HasMaxLength(10).HasDefaultValue(RateLimitScope.Node);
            e.Property(p => p.RateLimitScopePerTenant).HasConversion<string>().HasMaxLength(10).HasDefaultValue(RateLimitScope.Node);
            e.Property(p => p.RedisDownModePerKey).HasConversion<string>().HasMaxLength(10).HasDefaultValue(RateLimitRedisDownMode.Local);
            e.Property(p => p.RedisDownModePerTenant).HasConversion<string>().HasMaxLength(10).HasDefaultValue(RateLimitRedisDownMode.Local);
            e.Property(p => p.BudgetTenantMode).HasConversion<string>().HasMaxLength(10);
            e.Property(p => p.BudgetKeyMode).HasConversion<string>().HasMaxLength(10);
            e.Property(p => p.BudgetWhenRedisDown).HasConversion<string>().HasMaxLength(10);
            foreach (var price in new[]
            {
                nameof(Plan.MonthlyBaseFee), nameof(Plan.PricePer1KRequests), nameof(Plan.PricePer1MInputTokens), nameof(Plan.PricePer1MOutputTokens),
                nameof(Plan.BudgetTenantMonthly), nameof(Plan.BudgetTenantDaily), nameof(Plan.BudgetKeyMonthly), nameof(Plan.BudgetKeyDaily),
            })
            {
                e.Property(price).HasPrecision(18, 6);
            }
        });

        modelBuilder.Entity<Tenant>(e =>
        {
            e.HasIndex(t => t.Slug).IsUnique();
            e.Property(t => t.Slug).HasMaxLength(40);
            e.Property(t => t.DisplayName).HasMaxLength(200);
            e.Property(t => t.SuspendedReason).HasMaxLength(500);
            e.Property(t => t.Status).HasConversion<string>().HasMaxLength(20);
            e.HasOne(t => t.Plan).WithMany().HasForeignKey(t => t.PlanId).OnDelete(DeleteBehavior.Restrict);
            e.Property(t => t.BudgetSpend).HasPrecision(18, 6);
            e.Property(t => t.BudgetDaySpend).HasPrecision(18, 6);
            e.OwnsMany(t => t.CredentialSpend, c =>
            {
                c.ToTable("TenantCredentialSpend");
                c.WithOwner().HasForeignKey("TenantId");
                c.HasKey("TenantId", nameof(CredentialBudgetSpend.CredentialId));
                c.Property(s => s.CredentialId).HasMaxLength(200);
                c.Property(s => s.Spend).HasPrecision(18, 6);
                c.Property(s => s.DaySpend).HasPrecision(18, 6);
            });
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.HasIndex(k => k.PublicId).IsUnique();
            e.HasIndex(k => k.SecretHash).IsUnique();
            e.HasIndex(k => new { k.TenantId, k.CreatedAt });
            e.Property(k => k.Name).HasMaxLength(200);
            e.Property(k => k.PublicId).HasMaxLength(20);
            e.Property(k => k.SecretHash).HasMaxLength(32);
            e.Property(k => k.PreviousSecretHash).HasMaxLength(32);
            e.Property(k => k.CreatedBy).HasMaxLength(200);
            e.Property(k => k.Version).IsConcurrencyToken();
            e.HasOne<Tenant>().WithMany().HasForeignKey(k => k.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ModelEndpoint>(e =>
        {
            e.HasIndex(m => new { m.TenantId, m.Model }).IsUnique();
            e.Property(m => m.Model).HasMaxLength(64);
            e.Property(m => m.BaseUrl).HasMaxLength(2048);
            e.Property(m => m.UpstreamHeaderName).HasMaxLength(100);
            e.Property(m => m.ImageRules).HasMaxLength(8192);
            e.Property(m => m.OutputHardening).HasMaxLength(8192);
            e.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.HasIndex(a => a.At);
            e.HasIndex(a => new { a.TenantId, a.At });
            e.Property(a => a.Actor).HasMaxLength(200);
            e.Property(a => a.Action).HasMaxLength(100);
            e.Property(a => a.Target).HasMaxLength(200);
            e.Property(a => a.Summary).HasMaxLength(2000);
        });

        modelBuilder.Entity<ConfigState>(e =>
        {
            e.Property(s => s.Id).ValueGeneratedNever();
            e.HasData(new ConfigState { Id = Data.ConfigState.SingletonId, Revision = 0 });
        });

        modelBuilder.Entity<ConfigRevision>(e =>
        {
            e.HasKey(r => r.Revision);
            e.Property(r => r.Revision).ValueGeneratedNever();
            e.Property(r => r.Kind).HasConversion<string>().HasMaxLength(10);
            e.Property(r => r.Cause).HasMaxLength(100);
        });

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.HasIndex(o => o.MessageId).IsUnique();
            e.HasIndex(o => new { o.SentAt, o.Id });
            e.Property(o => o.MessageType).HasMaxLength(200);
            e.Property(o => o.LastError).HasMaxLength(1000);
        });

        modelBuilder.Entity<Block>(e =>
        {
            e.HasIndex(b => b.ExpiresAt);
            e.Property(b => b.Target).HasConversion<string>().HasMaxLength(20);
            e.Property(b => b.Value).HasMaxLength(100);
            e.Property(b => b.Reason).HasMaxLength(500);
            e.Property(b => b.CreatedBy).HasMaxLength(200);
        });

        modelBuilder.Entity<DataPlaneNode>(e =>
        {
            e.HasKey(n => n.NodeId);
            e.Property(n => n.NodeId).HasMaxLength(100);
            e.Property(n => n.Version).HasMaxLength(50);
            e.Property(n => n.LastApplyError).HasMaxLength(2000);
            e.Property(n => n.ContentHash).HasMaxLength(64);
            e.Property(n => n.LastRejection).HasMaxLength(500);
            e.Property(n => n.LastReset).HasMaxLength(500);
        });

        modelBuilder.Entity<NodeCredential>(e =>
        {
            e.HasKey(c => c.NodeId);
            e.Property(c => c.NodeId).HasMaxLength(100);
            e.Property(c => c.IssuedBy).HasMaxLength(200);
        });

        modelBuilder.Entity<ConfigSigningKey>(e =>
        {
            e.Property(k => k.Id).ValueGeneratedNever();
            e.Property(k => k.KeyId).HasMaxLength(16);
        });
    }
}

internal sealed class NpgsqlControlPlaneDbContext(DbContextOptions<NpgsqlControlPlaneDbContext> options) : ControlPlaneDbContext(options)
{
    public override bool IsSqlite => false;
}

internal sealed class SqliteControlPlaneDbContext(DbContextOptions<SqliteControlPlaneDbContext> options) : ControlPlaneDbContext(options)
{
    public override bool IsSqlite => true;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type: store UTC instants as sortable integers so range filters and ordering
        // translate to SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<TimeSpan>().HaveConversion<TimeSpanToTicksConverter>();
    }
}
