using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue14Quotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "QuotaInputTokensConsumed",
                table: "Tenants",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "QuotaOutputTokensConsumed",
                table: "Tenants",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "QuotaPeriodStart",
                table: "Tenants",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "QuotaRequestsConsumed",
                table: "Tenants",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "QuotaInputTokensConsumed",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "QuotaOutputTokensConsumed",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "QuotaPeriodStart",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "QuotaRequestsConsumed",
                table: "Tenants");
        }
    }
}
