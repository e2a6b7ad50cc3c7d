using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue15Budgets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BudgetWouldLimit",
                table: "UsageAggregates",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "BudgetDay",
                table: "Tenants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "BudgetDaySpend",
                table: "Tenants",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "BudgetSpend",
                table: "Tenants",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "BudgetKeyDaily",
                table: "Plans",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BudgetKeyMode",
                table: "Plans",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<decimal>(
                name: "BudgetKeyMonthly",
                table: "Plans",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "BudgetTenantDaily",
                table: "Plans",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BudgetTenantMode",
                table: "Plans",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<decimal>(
                name: "BudgetTenantMonthly",
                table: "Plans",
                type: "numeric(18,6)",
                precision: 18,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BudgetWhenRedisDown",
                table: "Plans",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "MaxOutputTokens",
                table: "ModelEndpoints",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BudgetWouldLimit",
                table: "UsageAggregates");

            migrationBuilder.DropColumn(
                name: "BudgetDay",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "BudgetDaySpend",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "BudgetSpend",
                table: "Tenants");

            migrationBuilder.DropColumn(
                name: "BudgetKeyDaily",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "BudgetKeyMode",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "BudgetKeyMonthly",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "BudgetTenantDaily",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "BudgetTenantMode",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "BudgetTenantMonthly",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "BudgetWhenRedisDown",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "MaxOutputTokens",
                table: "ModelEndpoints");
        }
    }
}
