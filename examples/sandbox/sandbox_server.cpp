int main_placeholder_unused();
