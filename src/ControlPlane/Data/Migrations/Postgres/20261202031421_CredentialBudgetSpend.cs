using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CredentialBudgetSpend : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TenantCredentialSpend",
                columns: table => new
                {
                    CredentialId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    Spend = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false),
                    DaySpend = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TenantCredentialSpend", x => new { x.TenantId, x.CredentialId });
                    table.ForeignKey(
                        name: "FK_TenantCredentialSpend_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TenantCredentialSpend");
        }
    }
}
