using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue10Hardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaxConcurrentRequestsPerKey",
                table: "Plans",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxConcurrentRequestsPerTenant",
                table: "Plans",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AllowedMethods",
                table: "ModelEndpoints",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ForwardClientAddress",
                table: "ModelEndpoints",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "StreamMaxDurationSeconds",
                table: "ModelEndpoints",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StreamMaxIdleSeconds",
                table: "ModelEndpoints",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "AccessLogDropped",
                table: "DataPlaneNodes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaxConcurrentRequestsPerKey",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "MaxConcurrentRequestsPerTenant",
                table: "Plans");

            migrationBuilder.DropColumn(
                name: "AllowedMethods",
                table: "ModelEndpoints");

            migrationBuilder.DropColumn(
                name: "ForwardClientAddress",
                table: "ModelEndpoints");

            migrationBuilder.DropColumn(
                name: "StreamMaxDurationSeconds",
                table: "ModelEndpoints");

            migrationBuilder.DropColumn(
                name: "StreamMaxIdleSeconds",
                table: "ModelEndpoints");

            migrationBuilder.DropColumn(
                name: "AccessLogDropped",
                table: "DataPlaneNodes");
        }
    }
}
