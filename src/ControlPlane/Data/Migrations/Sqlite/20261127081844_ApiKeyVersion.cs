using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Sqlite
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
                type: "INTEGER",
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
