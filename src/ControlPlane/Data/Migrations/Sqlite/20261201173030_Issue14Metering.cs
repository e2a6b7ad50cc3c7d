using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue14Metering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "QuotaEnforcement",
                table: "Plans",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Hard");

            migrationBuilder.CreateTable(
                name: "ProcessedUsageBatches",
                columns: table => new
                {
                    BatchId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedUsageBatches", x => x.BatchId);
                });

            migrationBuilder.CreateTable(
                name: "UsageAggregates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CredentialId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CredentialKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Granularity = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Requests2xx = table.Column<long>(type: "INTEGER", nullable: false),
                    Requests3xx = table.Column<long>(type: "INTEGER", nullable: false),
                    Requests4xx = table.Column<long>(type: "INTEGER", nullable: false),
                    Requests5xx = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesIn = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesOut = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencySumMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo25Ms = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo50Ms = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo100Ms = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo250Ms = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo500Ms = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo1s = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo2500Ms = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo5s = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo10s = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo30s = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyUpTo60s = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencyOver60s = table.Column<long>(type: "INTEGER", nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    EstimatedInputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    EstimatedOutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    MalformedUsage = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageAggregates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UsageAggregates_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedUsageBatches_ProcessedAt",
                table: "ProcessedUsageBatches",
                column: "ProcessedAt");

            migrationBuilder.CreateIndex(
                name: "IX_UsageAggregates_Granularity_BucketStart",
                table: "UsageAggregates",
                columns: new[] { "Granularity", "BucketStart" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageAggregates_TenantId_Granularity_BucketStart_Model_CredentialKind_CredentialId",
                table: "UsageAggregates",
                columns: new[] { "TenantId", "Granularity", "BucketStart", "Model", "CredentialKind", "CredentialId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProcessedUsageBatches");

            migrationBuilder.DropTable(
                name: "UsageAggregates");

            migrationBuilder.DropColumn(
                name: "QuotaEnforcement",
                table: "Plans");
        }
    }
}
