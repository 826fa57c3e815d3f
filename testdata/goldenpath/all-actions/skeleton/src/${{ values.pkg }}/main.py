"""${{ values.title }}: ${{ values.description }}"""

NAME = "${{ values.name }}"
FEATURES = ${{ values.features | dump }}
