using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue8TrustedDistribution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SkippedAt",
                table: "OutboxMessages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContentHash",
                table: "DataPlaneNodes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "Epoch",
                table: "DataPlaneNodes",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "InstanceId",
                table: "DataPlaneNodes",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "InstanceSeenAt",
                table: "DataPlaneNodes",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<string>(
                name: "LastRejection",
                table: "DataPlaneNodes",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastRejectionAt",
                table: "DataPlaneNodes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastReset",
                table: "DataPlaneNodes",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastResetAt",
                table: "DataPlaneNodes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RejectedMessages",
                table: "DataPlaneNodes",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<Guid>(
                name: "Epoch",
                table: "ConfigState",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<bool>(
                name: "ChangesProtected",
                table: "ConfigRevisions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ConfigSigningKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConfigSigningKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NodeCredentials",
                columns: table => new
                {
                    NodeId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TokenHash = table.Column<byte[]>(type: "bytea", nullable: true),
                    IssuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IssuedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NodeCredentials", x => x.NodeId);
                });

            migrationBuilder.UpdateData(
                table: "ConfigState",
                keyColumn: "Id",
                keyValue: 1,
                column: "Epoch",
                value: new Guid("00000000-0000-0000-0000-000000000000"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConfigSigningKeys");

            migrationBuilder.DropTable(
                name: "NodeCredentials");

            migrationBuilder.DropColumn(
                name: "SkippedAt",
                table: "OutboxMessages");

            migrationBuilder.DropColumn(
                name: "ContentHash",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "Epoch",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "InstanceId",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "InstanceSeenAt",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "LastRejection",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "LastRejectionAt",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "LastReset",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "LastResetAt",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "RejectedMessages",
                table: "DataPlaneNodes");

            migrationBuilder.DropColumn(
                name: "Epoch",
                table: "ConfigState");

            migrationBuilder.DropColumn(
                name: "ChangesProtected",
                table: "ConfigRevisions");
        }
    }
}
