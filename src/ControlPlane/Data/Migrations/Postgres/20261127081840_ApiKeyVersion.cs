using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ApiKeyVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "ApiKeys",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Version",
                table: "ApiKeys");
        }
    }
}
