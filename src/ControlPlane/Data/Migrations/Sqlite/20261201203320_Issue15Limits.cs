using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue15Limits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "WouldHaveBeenLimited",
                table: "UsageAggregates",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "RateLimitScopePerKey",
                table: "Plans",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Node");

            migrationBuilder.AddColumn<string>(
                name: "RateLimitScopePerTenant",
                table: "Plans",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Node");

            migrationBuilder.AddColumn<string>(
                name: "RedisDownModePerKey",
                table: "Plans",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Local");

            migrationBuilder.AddColumn<string>(
                name: "RedisDownModePerTenant",
                table: "Plans",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Local");

            migrationBuilder.AddColumn<bool>(
                name: "ShadowRateLimitPerKey",
                table: "Plans",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "ShadowRateLimitPerTenant",
                table: "Plans",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "WouldHaveBeenLimited",
                table: "UsageAggregates");

            migrationBuilder.DropColumn(
                name: "RateLimitScopePerKey",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "RateLimitScopePerTenant",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "RedisDownModePerKey",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "RedisDownModePerTenant",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "ShadowRateLimitPerKey",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "ShadowRateLimitPerTenant",
                table: "Plans");
        }
    }
}
